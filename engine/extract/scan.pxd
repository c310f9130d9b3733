# Cython declarations for scan.py (compiled kernel, see compiled.py): C fields and C-callable lookups for
# measures.py and stages.py. No effect on the .py, which runs as it is without a compiler.
cdef class Token:
    cdef public Py_ssize_t start, end
    cdef public object text, info


cdef class Scan:
    cdef public str norm
    cdef public object lx
    cdef public list clause_breaks, seps, sentence_breaks, quantities, verbs, verb_starts, markers, periods, items
    cdef public list word_spans
    cdef public object _nouns, _num_starts, _by_key
    cdef public dict _word_at, _solid

    cpdef Py_ssize_t first_quantity_from(self, Py_ssize_t pos)
    cpdef object period_before(self, Py_ssize_t lo, Py_ssize_t hi)
    cpdef object _markers_by_key(self, key)
    cpdef object marker_spans(self, key)
    cpdef bint has_marker(self, key, Py_ssize_t lo, Py_ssize_t hi, end_hi=*)
    cpdef list markers_ending(self, key, Py_ssize_t lo, Py_ssize_t hi)
    cpdef Py_ssize_t first_solid(self, Py_ssize_t pos)
    cpdef Py_ssize_t last_solid(self, Py_ssize_t pos)
    cpdef bint has_word(self, str word, Py_ssize_t lo, Py_ssize_t hi)
    cpdef Py_ssize_t after_last_sep(self, Py_ssize_t lo, Py_ssize_t hi)
    cpdef tuple clause(self, Py_ssize_t pos)
    cpdef tuple sentence(self, Py_ssize_t pos)
    cpdef Token verb_before(self, Py_ssize_t lo, Py_ssize_t hi)
    cpdef Token verb_after(self, Py_ssize_t lo, Py_ssize_t hi)
    cpdef object item_at(self, Py_ssize_t pos)

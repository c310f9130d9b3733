# Cython declarations for measures.py (compiled kernel, see compiled.py): typed positions, C calls between the
# helpers and into scan.Scan. No effect on the .py, which runs as it is without a compiler.
cimport cython

from engine.extract.numbers cimport Quantity
from engine.extract.scan cimport Scan, Token

cpdef object clean(object lx, object s)

@cython.locals(i=Py_ssize_t, stop=Py_ssize_t, lo=Py_ssize_t, pv=Token)
cdef tuple _object(Scan sc, str nouns, Py_ssize_t k, Quantity q, Token verb, Py_ssize_t cs, Py_ssize_t ce,
                   Py_ssize_t prev_end)

@cython.locals(v=Token, g=Token)
cdef str _kind(Scan sc, Quantity q, Token verb, Py_ssize_t cs, Py_ssize_t prev_end, object per_capita)

@cython.locals(first=Py_ssize_t, last=Py_ssize_t)
cdef object _role(Scan sc, Quantity q, Py_ssize_t cs, Py_ssize_t ce)

@cython.locals(ss=Py_ssize_t, se=Py_ssize_t, vend=Py_ssize_t, m=Token)
cdef bint _cumulative(Scan sc, Quantity q, Token before, Py_ssize_t cs, object period, object year_word)

@cython.locals(i=Py_ssize_t, starts=list, ends=list)
cdef bint _within(tuple spans, Py_ssize_t lo, Py_ssize_t hi, Py_ssize_t end_hi)

@cython.locals(sc=Scan, q=Quantity, prev=Quantity, verb=Token, before=Token, g=Token, k=Py_ssize_t, i=Py_ssize_t,
               cs=Py_ssize_t, ce=Py_ssize_t, qstart=Py_ssize_t, qend=Py_ssize_t, prev_end=Py_ssize_t,
               start=Py_ssize_t, lo=Py_ssize_t, ss=Py_ssize_t, size=Py_ssize_t, n_breaks=Py_ssize_t, span_end=Py_ssize_t,
               pcs=Py_ssize_t, breaks=list, sbreaks=list, qs=list, out=list, m=dict, nouns=str, norm=str)
cpdef tuple build(str norm, object lx, object year=*, object scan_=*)

@cython.locals(prev=Token)
cdef list _chained_families(Scan sc, Token verb, Py_ssize_t cs)

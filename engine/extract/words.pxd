# Cython declarations for words.py (compiled kernel, see compiled.py): the trie as C arrays, the walk in C.
# No effect on the .py, which runs as it is without a compiler.
cimport cython

cdef class WordPass:
    cdef public int n
    cdef int[::1] root, child_start, child_count, child_node
    cdef unsigned int[::1] ends, child_char

    @cython.locals(n=int, li=int, node=int, e=int, st=int, k=int, size=Py_ssize_t, i=Py_ssize_t, j=Py_ssize_t,
                   c=Py_UCS4, m=cython.uint, found=cython.uint, out=list, nxt=cython.longlong[32], best=cython.longlong[32])
    cpdef list find(self, str text)

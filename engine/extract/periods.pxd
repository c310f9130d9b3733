# Cython declarations for periods.py (compiled kernel, see compiled.py). No effect on the .py.
cimport cython


cdef class Period:
    cdef public Py_ssize_t start, end
    cdef public object label, end_month, end_day, point


@cython.locals(lo=Py_ssize_t)
cpdef bint _excluded(str norm, Py_ssize_t s, Py_ssize_t e, object exclude)

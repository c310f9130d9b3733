# Cython declarations for numbers.py (compiled kernel, see compiled.py): C fields for Quantity, typed positions in
# scan(). No effect on the .py.
cimport cython


cdef class Quantity:
    cdef public Py_ssize_t start, end, num_start
    cdef public object value, unit, qualifier, direction


@cython.locals(s=Py_ssize_t, ns=Py_ssize_t, end=Py_ssize_t, start=Py_ssize_t, size=Py_ssize_t, q_max=Py_ssize_t,
               out=list)
cpdef list scan(str norm, object lx)

# Cython declarations for numbers.py (compiled kernel, see compiled.py): C fields for Quantity. No effect on the .py.
cdef class Quantity:
    cdef public Py_ssize_t start, end, num_start
    cdef public object value, unit, qualifier, direction

# Cython declarations for periods.py (compiled kernel, see compiled.py). No effect on the .py.
cdef class Period:
    cdef public Py_ssize_t start, end
    cdef public object label, end_month, end_day, point

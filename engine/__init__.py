"""duban — rule-engine compliance checker for government supervision offices.

Data flow (one module or package per step):
    import_* → extract/ → derive → evaluate/ → classify → render/ → audit/
"""

__version__ = "0.1.0"

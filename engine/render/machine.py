"""Machine outputs for portals and CI: result.json (the contract, unchanged), findings.junit.xml, findings.sarif.
The writers live in engine/outputs (one module per format, shared with the audit); this module keeps the names
render and its tests import. JUnit and SARIF are imported when asked for (ElementTree and the SARIF tables are
not among a default `duban check`'s formats)."""

from __future__ import annotations

from ..outputs.json import result_json  # noqa: F401


def junit_xml(*args, **kwargs):
    from ..outputs.junit import check_junit

    return check_junit(*args, **kwargs)


def sarif(*args, **kwargs):
    from ..outputs.sarif import check_sarif

    return check_sarif(*args, **kwargs)

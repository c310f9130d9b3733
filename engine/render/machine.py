"""Machine outputs for portals and CI: result.json (the contract, unchanged), findings.junit.xml, findings.sarif.
The writers live in engine/outputs (one module per format, shared with the audit); this module keeps the names
render and its tests import."""

from __future__ import annotations

from ..outputs.json import result_json  # noqa: F401
from ..outputs.junit import check_junit as junit_xml  # noqa: F401
from ..outputs.sarif import check_sarif as sarif  # noqa: F401

"""Nothing a user supplies is ever executed, and nothing duban writes executes in a reader's program.

1. Statically (ast): engine/ never calls eval / exec / builtin compile, pickle or marshal loads, an unsafe
   YAML loader, os.system / os.popen, subprocess with shell=True, or a non-sandboxed Jinja environment.
2. Through the CLI: a !!python payload in any YAML a user edits (plan, progress, waivers, rules, params,
   a workspace being imported into) is refused with exit 2 and the file it would create never appears;
   workspace templates (.md.j2 / .html.j2 / .docx) run sandboxed; template syntax inside task text is
   printed verbatim; outputs: ledger.xlsx has no formulas and neutralises = + - @; HTML escapes task text;
   unit names cannot steer notice files out of the output folder.
"""

from __future__ import annotations

import ast
import importlib
import shutil
from pathlib import Path

import pytest
import yaml

from .conftest import FULING, ROOT, RULES, run_cli

ENGINE = ROOT / "engine"
BASE = ROOT / "tests" / "fixtures" / "bad" / "base"
FORBIDDEN_NAMES = {"eval", "exec", "compile", "__import__", "execfile"}
FORBIDDEN_ATTRS = {("pickle", "load"), ("pickle", "loads"), ("marshal", "load"), ("marshal", "loads"), ("os", "system"),
                   ("os", "popen"), ("yaml", "unsafe_load"), ("yaml", "full_load"), ("yaml", "unsafe_load_all"),
                   ("yaml", "full_load_all"), ("shelve", "open"), ("dill", "loads"), ("jinja2", "Environment"),
                   ("jinja2", "Template")}
SAFE_LOADERS = (yaml.SafeLoader, yaml.BaseLoader) + ((yaml.CSafeLoader, yaml.CBaseLoader) if hasattr(yaml, "CSafeLoader") else ())


def _calls():
    for path in sorted(ENGINE.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        module = ".".join(path.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__")
        imports_jinja_names = {a.asname or a.name for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)
                               and (n.module or "").startswith("jinja2") for a in n.names}
        for node in ast.walk(tree):
            if isinstance(node, ast.Call):
                yield path, module, node, imports_jinja_names


def _name(func) -> tuple[str | None, str | None]:
    if isinstance(func, ast.Name):
        return None, func.id
    if isinstance(func, ast.Attribute):
        base = func.value.id if isinstance(func.value, ast.Name) else None
        return base, func.attr
    return None, None


def test_engine_has_no_dynamic_code_execution():
    found = []
    for path, module, node, jinja_names in _calls():
        base, name = _name(node.func)
        where = f"{path.relative_to(ROOT)}:{node.lineno}"
        if base is None and name in FORBIDDEN_NAMES:
            found.append(f"{where} {name}()")  # re.compile is an attribute call and stays allowed
        if (base, name) in FORBIDDEN_ATTRS:
            found.append(f"{where} {base}.{name}()")
        if base is None and name in ("Environment", "Template") and name in jinja_names:
            found.append(f"{where} jinja2 {name}() (use SandboxedEnvironment)")
        if any(k.arg == "shell" and not (isinstance(k.value, ast.Constant) and k.value.value is False) for k in node.keywords):
            found.append(f"{where} {name}(shell=...)")  # subprocess.run / Popen / a from-import of them
        if base == "yaml" and name in ("load", "load_all"):
            loader = next((k.value for k in node.keywords if k.arg == "Loader"), node.args[1] if len(node.args) > 1 else None)
            if not _safe_loader(module, loader):
                found.append(f"{where} yaml.{name}() without a safe Loader")
        if name == "YAML" and any(k.arg == "typ" and isinstance(k.value, ast.Constant) and k.value.value in ("unsafe", "full")
                                  for k in node.keywords):
            found.append(f"{where} ruamel YAML(typ={node.keywords[0].value.value!r})")
    assert not found, "code execution on user data:\n" + "\n".join(found)


def _safe_loader(module: str, node) -> bool:
    """Resolve the Loader expression to a class (module attribute, yaml.X) and require a safe loader subclass."""
    if node is None:
        return False
    if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "yaml":
        cls = getattr(yaml, node.attr, None)
    elif isinstance(node, ast.Name):
        cls = getattr(importlib.import_module(module), node.id, None)
    else:
        return False
    return isinstance(cls, type) and issubclass(cls, SAFE_LOADERS)


def test_docx_templates_render_with_the_sandboxed_environment():
    # docxtpl builds a plain jinja2.Environment unless one is passed in
    for path, _, node, _ in _calls():
        base, name = _name(node.func)
        if name == "render" and "docxtpl" in path.read_text(encoding="utf-8"):
            assert any(k.arg == "jinja_env" for k in node.keywords), f"{path}:{node.lineno} render() without jinja_env"


# ------------------------------------------------------------------ black box: YAML tags never run

def _payload(marker: Path) -> str:
    return f"!!python/object/apply:os.system ['touch {marker}']"


@pytest.mark.parametrize("where", ["plan.yaml", "progress/2023-09.yaml", "waivers.yaml"])
def test_python_tag_in_workspace_yaml_is_refused_and_not_run(tmp_path, where):
    ws, marker = tmp_path / "ws", tmp_path / "pwned"
    shutil.copytree(BASE, ws)
    path = ws / where
    text = path.read_text(encoding="utf-8") if path.exists() else "waivers: []\n"
    path.write_text(text + f"x_evil: {_payload(marker)}\n", encoding="utf-8")
    proc = run_cli("check", ws, "--period", "2023-09", "--out", tmp_path / "out")
    assert proc.returncode == 2 and "不允许的 YAML 标签" in proc.stderr and "Traceback" not in proc.stderr, proc.stderr
    assert not marker.exists() and not (tmp_path / "out").exists()


@pytest.mark.parametrize("where", ["R-TP-06.yaml", "tables/时序进度.yaml", "params.yaml"])
def test_python_tag_in_rules_is_refused_and_not_run(tmp_path, where):
    rules, marker = tmp_path / "rules", tmp_path / "pwned"
    shutil.copytree(RULES, rules)
    path = rules / where
    path.write_text(path.read_text(encoding="utf-8") + f"\nx_evil: {_payload(marker)}\n", encoding="utf-8")
    proc = run_cli("rules", "test", rules)
    assert proc.returncode == 2 and "不允许的 YAML 标签" in proc.stderr and "Traceback" not in proc.stderr, proc.stderr
    assert not marker.exists()


def test_python_tag_in_a_workspace_being_imported_into_is_refused(tmp_path):
    ws, marker = tmp_path / "ws", tmp_path / "pwned"
    shutil.copytree(BASE, ws)
    plan = ws / "plan.yaml"
    plan.write_text(plan.read_text(encoding="utf-8") + f"x_evil: {_payload(marker)}\n", encoding="utf-8")
    before = plan.read_bytes()
    proc = run_cli("import", FULING / "fuling_2023q3_indicators.csv", "--into", ws, "--period", "2023-09")
    assert proc.returncode == 2 and "不允许的 YAML 标签" in proc.stderr and "Traceback" not in proc.stderr, proc.stderr
    assert not marker.exists() and plan.read_bytes() == before


# ------------------------------------------------------------------ black box: templates are sandboxed

ESCAPES = ["{{ ''.__class__.__mro__ }}", "{{ cycler.__init__.__globals__ }}",
           "{{ cycler.__init__.__globals__.os.system('touch MARKER') }}",
           "{{ self._TemplateReference__context.cycler.__init__.__globals__.os.popen('touch MARKER').read() }}"]


@pytest.mark.parametrize("name", ["memo.md.j2", "memo.html.j2"])
@pytest.mark.parametrize("escape", ESCAPES)
def test_workspace_template_cannot_reach_python(tmp_path, name, escape):
    ws, marker = tmp_path / "ws", tmp_path / "pwned"
    shutil.copytree(BASE, ws)
    (ws / "templates").mkdir()
    (ws / "templates" / name).write_text("# 督查报告\n" + escape.replace("MARKER", str(marker)) + "\n", encoding="utf-8")
    proc = run_cli("check", ws, "--period", "2023-09", "--out", tmp_path / "out", "--format", name.split(".")[1])
    assert proc.returncode == 2 and "模板" in proc.stderr and "Traceback" not in proc.stderr, proc.stderr
    assert "<class 'object'>" not in proc.stderr + proc.stdout and "__builtins__" not in proc.stderr + proc.stdout
    assert not marker.exists() and not (tmp_path / "out").exists()


def test_workspace_docx_template_cannot_reach_python(tmp_path):
    import docx

    ws, marker = tmp_path / "ws", tmp_path / "pwned"
    shutil.copytree(BASE, ws)
    (ws / "templates").mkdir()
    document = docx.Document()
    document.add_paragraph(ESCAPES[2].replace("MARKER", str(marker)))
    document.save(ws / "templates" / "memo.docx")
    proc = run_cli("check", ws, "--period", "2023-09", "--out", tmp_path / "out", "--format", "docx")
    assert proc.returncode == 2 and "Traceback" not in proc.stderr, proc.stderr
    assert not marker.exists() and not (tmp_path / "out").exists()


# ------------------------------------------------------------------ black box: what the outputs carry

HOSTILE_TEXT = "建成投用G351{{ 7*7 }}{% for x in range(3) %}x{% endfor %}<script>alert(1)</script>=cmd|' /C calc'!A0"


@pytest.fixture(scope="module")
def hostile_outputs(tmp_path_factory):
    """T100 (滞后 in the base workspace) with template syntax, HTML and a formula in its text, formula-like
    leaders, and unit names that try to leave the output folder."""
    root = tmp_path_factory.mktemp("hostile")
    ws, out = root / "ws", root / "deep" / "out"
    shutil.copytree(BASE, ws)
    plan = yaml.safe_load((ws / "plan.yaml").read_text(encoding="utf-8"))
    for task in plan["tasks"]:
        if task["id"] == "T100":
            task.update(text=HOSTILE_TEXT, targets=[], leaders=["+钟涛", "@郑小平", "-靖开媛"],
                        lead_units=["../../evil", "/tmp/abs", '=HYPERLINK("http://x")'])
    (ws / "plan.yaml").write_text(yaml.safe_dump(plan, allow_unicode=True, sort_keys=False), encoding="utf-8")
    proc = run_cli("check", ws, "--period", "2023-09", "--out", out, "--format", "md,html,xlsx,json")
    assert proc.returncode == 0, proc.stderr
    return root, out


def test_template_syntax_in_task_text_is_printed_verbatim(hostile_outputs):
    _, out = hostile_outputs
    memo = (out / "memo.md").read_text(encoding="utf-8")
    assert "{{ 7*7 }}" in memo and "{% for x in range(3) %}x{% endfor %}" in memo
    assert "G35149" not in memo and "xxx" not in memo


def test_html_escapes_task_text(hostile_outputs):
    _, out = hostile_outputs
    for name in ("memo.html", "dashboard.html"):
        html = (out / name).read_text(encoding="utf-8")
        assert "<script>alert(1)</script>" not in html, name
        assert "alert(1)" in html, name  # the text is there, inert


def test_ledger_has_no_formulas_and_neutralises_formula_text(hostile_outputs):
    import openpyxl

    _, out = hostile_outputs
    book = openpyxl.load_workbook(out / "ledger.xlsx")
    seen = []
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", f"{sheet.title}!{cell.coordinate} is a formula: {cell.value!r}"
                if isinstance(cell.value, str) and cell.value[:1] in "=+-@":
                    seen.append(cell.value)
                    assert cell.quotePrefix, f"{sheet.title}!{cell.coordinate} {cell.value!r} would be a formula when edited"
    assert any(v.startswith("+钟涛") for v in seen)


def test_unit_names_cannot_leave_the_output_folder(hostile_outputs):
    root, out = hostile_outputs
    written = [p for p in root.rglob("*") if p.is_file() and "ws" not in p.relative_to(root).parts[:1]]
    assert written and all(out in p.parents for p in written), [str(p) for p in written if out not in p.parents]
    assert not Path("/tmp/abs.md").exists() or Path("/tmp/abs.md").stat().st_mtime < (out / "memo.md").stat().st_mtime

"""memo.docx and notices/<unit>.docx: docxtpl fills a Word template staff can edit (templates/memo.docx,
notice.docx, or the workspace's own copies). Everything is autoescaped, so & < > in task text stay text."""

from __future__ import annotations

import io
import zipfile
from functools import lru_cache
from pathlib import Path

from docx.opc.pkgwriter import PackageWriter
from docxtpl import DocxTemplate
from jinja2.exceptions import TemplateError
from jinja2.sandbox import SandboxedEnvironment

from ..errors import InputError
from ..library_messages import broken_file
from .context import RenderContext
from .repro import as_of_time, normalise_entry, normalise_zip
from .templates import find_file, make_environment, template_error


def docx_environment(workspace_dir: Path | None) -> SandboxedEnvironment:
    return make_environment(workspace_dir, autoescape=True)


MAX_PROPERTY_CHARS = 255  # python-docx refuses longer core properties; the document body keeps the full text


def _property(text: str) -> str:
    """A region or unit name of 300 characters is data, not an error: only the file's metadata is shortened."""
    return text if len(text) <= MAX_PROPERTY_CHARS else text[:MAX_PROPERTY_CHARS - 1] + "…"


@lru_cache(maxsize=32)
def _patched(src_xml: str) -> str:
    return DocxTemplate.patch_xml(None, src_xml)  # docxtpl's clean-up is regular expressions over the text alone


class _Template(DocxTemplate):
    """docxtpl's template, with its tag clean-up memoised: a notice's document, header and footer XML are the same
    text for every notice (~2.5 ms a notice). `reader`: the template file as python-docx read it (read_template),
    when one is rendered several times: each render builds its own document from it, as from the file."""

    def __init__(self, path, reader=None):
        self._reader = reader  # before DocxTemplate.__init__: its __getattr__ looks anything missing up on its document
        super().__init__(path)

    def patch_xml(self, src_xml):
        return _patched(src_xml)

    def init_docx(self, reload: bool = True):
        if self._reader is None:
            return super().init_docx(reload)
        if not self.docx or (self.is_rendered and reload):  # as DocxTemplate.init_docx, from what was read
            self.docx = _document(self._reader, self.template_file)
            self.is_rendered = False


def read_template(path: Path):
    """The .docx as python-docx's Package.open reads it (its zip entries and relationships, parsed from the file
    once); _document builds a document from it. Raises what opening the file raises."""
    from docx.opc.pkgreader import PackageReader

    return PackageReader.from_file(str(path))


def _document(reader, path: str):
    """docx.Document(path), from the file as read_template read it: the package's parts are unmarshalled afresh
    (each XML part parsed again from its bytes), so documents built from one reader share nothing that changes."""
    from docx.opc.constants import CONTENT_TYPE as CT
    from docx.opc.package import Unmarshaller
    from docx.opc.part import PartFactory
    from docx.package import Package

    package = Package()
    Unmarshaller.unmarshal(reader, package, PartFactory)
    document_part = package.main_document_part
    if document_part.content_type != CT.WML_DOCUMENT_MAIN:  # as docx.Document says it
        raise ValueError("file '%s' is not a Word file, content type is '%s'" % (path, document_part.content_type))
    return document_part.document


class _NormalisedZip:
    """python-docx's package writer's interface (write, close), writing the entries as repro.normalise_zip would
    rewrite them: one zip pass instead of writing the package and then re-compressing every entry."""

    def __init__(self, when):
        self._when = when
        self._out = io.BytesIO()
        self._zip = zipfile.ZipFile(self._out, "w")

    def write(self, pack_uri, blob) -> None:
        blob = blob.encode("utf-8") if isinstance(blob, str) else blob  # as zipfile.writestr would store a str
        normalise_entry(self._zip, pack_uri.membername, blob, self._when)

    def close(self) -> bytes:
        self._zip.close()
        return self._out.getvalue()


def saved(tpl: DocxTemplate, when) -> bytes:
    """normalise_zip(what tpl.save writes), written once. docxtpl's media replacements re-write the saved zip
    (none are used here): with any of them the file is saved and normalised as before."""
    if tpl.pics_to_replace or tpl.crc_to_new_media or tpl.crc_to_new_embedded or tpl.zipname_to_replace:
        buf = io.BytesIO()
        tpl.save(buf)
        return normalise_zip(buf.getvalue(), when)
    package = tpl.docx.part.package
    parts = package.parts  # as OpcPackage.save and PackageWriter.write do
    for part in parts:
        part.before_marshal()
    writer = _NormalisedZip(when)
    PackageWriter._write_content_types_stream(writer, parts)
    PackageWriter._write_pkg_rels(writer, package.rels)
    PackageWriter._write_parts(writer, parts)
    return writer.close()


def render_docx(path: Path, context: dict, ctx: RenderContext, env: SandboxedEnvironment, title: str,
                reader=None) -> bytes:
    """reader: the template as read_template read it, if it is at hand (one notice template, many notices)."""
    tpl = _Template(str(path), reader)
    try:
        tpl.init_docx()
    except Exception as exc:  # noqa: BLE001 - python-docx/zipfile/lxml: any failure to open it means an unusable file
        raise InputError(f"Word 模板无法打开：{broken_file(exc, 'Word 模板')}", file=str(path),
                         hint="这份模板已损坏或不是 .docx：请从 templates/ 重新复制一份，或在 Word/WPS 中另存为 .docx") from None
    try:
        tpl.render(context, jinja_env=env, autoescape=True)
    except TemplateError as exc:
        raise template_error(exc, str(path)) from None
    except (ValueError, KeyError, OSError) as exc:  # not a .docx, or the XML the tags produced is broken
        raise InputError(f"Word 模板无法使用：{broken_file(exc, 'Word 模板')}", file=str(path),
                         hint="检查模板中的 {% %} 标记是否成对，或从 templates/ 重新复制一份") from None
    props = tpl.docx.core_properties
    when = as_of_time(ctx.as_of)
    # provenance travels with the file; times come from the data, not the clock (reproducible bytes)
    props.title = _property(title)
    props.subject = _property(f"{ctx.region}{ctx.period_label}重点任务督查")
    props.keywords = _property(f"{ctx.workspace}; {ctx.period}; {ctx.as_of}; {ctx.rules_digest}; {ctx.data_digest}")
    props.comments = _property(ctx.provenance)
    props.category = "督查报告"
    props.author = props.last_modified_by = "duban"
    props.created = props.modified = props.last_printed = when
    props.revision = 1
    return saved(tpl, when)


def memo_docx(ctx: RenderContext, workspace_dir: Path | None) -> bytes:
    env = docx_environment(workspace_dir)
    return render_docx(find_file("memo.docx", workspace_dir), ctx.as_dict(), ctx, env, ctx.title)


def notices_docx(ctx: RenderContext, workspace_dir: Path | None, which: slice = slice(None)) -> dict[str, bytes]:
    """One notice per unit; `which` selects a contiguous share of them (the render process and this one each
    render a share, render/worker.py)."""
    notices = ctx.notices[which]
    if not notices:
        return {}
    env = docx_environment(workspace_dir)
    path = find_file("notice.docx", workspace_dir)
    try:
        reader = read_template(path)  # the template file is read once for all the notices
    except Exception:  # noqa: BLE001 - unusable: render_docx opens it again and says why, as for a single notice
        reader = None
    base = ctx.as_dict()
    return {f"notices/{n.file_stem}.docx": render_docx(path, {**base, "notice": n}, ctx, env, f"督办通知单（{n.unit}）",
                                                       reader) for n in notices}

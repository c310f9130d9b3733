"""click in Chinese, in one place: help scaffolding, option metavars and defaults, and every usage error.

click's own words go through gettext with English msgids that change between releases. Instead of
translating them, ZhGroup.main localises the whole command tree once (commands, options, types) and
rebuilds every usage error from the exception's structured attributes (param, option_name,
possibilities, ctx). A click message we have no wording for gets a generic Chinese sentence; the
English goes to the debug log only."""

from __future__ import annotations

import logging
import os
import sys
import warnings

import click
from click.exceptions import BadArgumentUsage, BadOptionUsage, BadParameter, MissingParameter, NoSuchOption

from .cli_format import ZhFormatter
from .errors import printable

log = logging.getLogger("duban.cli")

HELP_OPTION_HELP = "显示本帮助并退出。"
VERSION_OPTION_HELP = "显示版本号并退出。"
OPTIONS_METAVAR = "[选项]"
SUBCOMMAND_METAVAR = "命令 [参数]..."


class ZhContext(click.Context):
    formatter_class = ZhFormatter


# ---------------------------------------------------------------- the command tree

# The _Zh* classes hold methods that localise() puts into a subclass of each object's own class
# (a mixin base would change the instance layout of click's ABC-derived classes, and __class__ could
# not be reassigned); _zh_base is the class they extend.

class _ZhCommand:
    """For every command of the tree: Chinese context, usage pieces and help option."""

    context_class = ZhContext

    def get_help_option(self, ctx):
        option = self._zh_base.get_help_option(self, ctx)
        if option is not None:
            option.help = HELP_OPTION_HELP
        return option

    def parse_args(self, ctx, args):
        # click words "unexpected extra argument" itself and keeps no trace of the arguments: let them
        # through, then refuse them here with the arguments in hand. The parser's own errors (an option
        # without its value) come without a ctx: give them this one, for the usage line.
        extra_ok, saved = ctx.allow_extra_args or ctx.resilient_parsing, ctx.allow_extra_args
        ctx.allow_extra_args = True
        try:
            rest = self._zh_base.parse_args(self, ctx, args)
        except click.UsageError as exc:
            if exc.ctx is None:
                exc.ctx = ctx
            raise
        finally:
            ctx.allow_extra_args = saved
        if ctx.args and not extra_ok:
            raise ExtraArguments(list(ctx.args), ctx)
        return rest


class _ZhOption:
    def get_help_record(self, ctx):
        record = self._zh_base.get_help_record(self, ctx)
        if record is None or not hasattr(self, "get_help_extra"):  # click < 8.2 builds the extras inline
            return record and (record[0], _old_click_extras(record[1]))
        extra = self.get_help_extra(ctx)
        items = []
        if "envvars" in extra:
            items.append("环境变量：" + "、".join(extra["envvars"]))
        if "default" in extra:
            default = extra["default"]
            items.append(f"默认：{'（运行时决定）' if default == '(dynamic)' else default}")
        if "range" in extra:
            items.append(str(extra["range"]))
        if "required" in extra:
            items.append("必填")
        help_text = self.help or ""
        if items:
            help_text = f"{help_text}  [{'；'.join(items)}]" if help_text else f"[{'；'.join(items)}]"
        return record[0], help_text


def _old_click_extras(help_text: str) -> str:
    head, bracket, extras = help_text.rpartition("  [")
    if not bracket or not extras.endswith("]"):
        return help_text
    words = {"default: ": "默认：", "env var: ": "环境变量：", "required": "必填"}
    items = []
    for item in extras[:-1].split("; "):
        for en, zh in words.items():
            if item.startswith(en):
                item = zh + item[len(en):]
        items.append(item)
    return f"{head}  [{'；'.join(items)}]"


class _ZhType:
    """Mixed into a parameter's type: Chinese metavar for options, Chinese conversion errors with the value."""

    def get_metavar(self, param, ctx=None):
        if isinstance(param, click.Option):
            zh = type_metavar(self)
            if zh:
                return zh
        try:
            return self._zh_base.get_metavar(self, param, ctx)
        except TypeError:  # click < 8.2: get_metavar(param)
            return self._zh_base.get_metavar(self, param)

    def convert(self, value, param, ctx):
        try:
            return self._zh_base.convert(self, value, param, ctx)
        except BadParameter as exc:
            log.debug("click conversion error: %s", exc.message)
            raise ZhBadParameter(conversion_problem(self, value), ctx=ctx, param=param) from None


class ZhBadParameter(BadParameter):
    """A conversion error already worded in Chinese."""


class ExtraArguments(click.UsageError):
    def __init__(self, extra: list[str], ctx):
        super().__init__("extra arguments", ctx)
        self.extra = extra


_CLASSES: dict[tuple[type, type], type] = {}


def _zh_class(cls: type, methods: type) -> type:
    if cls.__dict__.get("_zh_methods") is methods:
        return cls
    key = (cls, methods)
    if key not in _CLASSES:
        body = {k: v for k, v in vars(methods).items() if k not in ("__dict__", "__weakref__", "__module__", "__qualname__")}
        _CLASSES[key] = type(f"Zh{cls.__name__}", (cls,), {**body, "_zh_base": cls, "_zh_methods": methods})
    return _CLASSES[key]


class LazyCommands(dict):
    """A group's commands, some registered by "module:attribute" and imported the first time they are looked up or
    listed with their values (`duban check` need not import `duban audit`'s checks). Names, membership and order
    are those of the complete dict; values()/items() import whatever is still missing."""

    def __init__(self, commands: dict, lazy: dict[str, str] | None = None):
        super().__init__(commands)
        self._lazy: dict[str, str] = {}
        for name, path in (lazy or {}).items():
            self.register(name, path)

    def register(self, name: str, path: str) -> None:
        if not super().__contains__(name):
            self._lazy[name] = path

    def _load(self, name) -> None:
        path = self._lazy.pop(name, None)
        if path is not None:
            import importlib

            module, attribute = path.split(":")
            command = getattr(importlib.import_module(module), attribute)
            localise(command)
            super().__setitem__(name, command)

    def loaded(self) -> list:
        return list(super().values())

    def __setitem__(self, name, command) -> None:
        self._lazy.pop(name, None)
        super().__setitem__(name, command)

    def __getitem__(self, name):
        self._load(name)
        return super().__getitem__(name)

    def get(self, name, default=None):
        self._load(name)
        return super().get(name, default)

    def __contains__(self, name) -> bool:
        return name in self._lazy or super().__contains__(name)

    def keys(self) -> list:
        return [*super().keys(), *self._lazy]

    def __iter__(self):
        return iter(self.keys())

    def __len__(self) -> int:
        return super().__len__() + len(self._lazy)

    def values(self):
        for name in list(self._lazy):
            self._load(name)
        return super().values()

    def items(self):
        self.values()
        return super().items()


def localise(command: click.Command) -> None:
    """Make a command and everything under it speak Chinese (idempotent)."""
    command.__class__ = _zh_class(type(command), _ZhCommand)
    command.options_metavar = OPTIONS_METAVAR if command.options_metavar else command.options_metavar
    if isinstance(command, click.Group):
        command.subcommand_metavar = SUBCOMMAND_METAVAR
        commands = command.commands
        for sub in commands.loaded() if isinstance(commands, LazyCommands) else commands.values():
            localise(sub)  # a lazily registered command is localised when it is imported
    for param in command.params:
        if isinstance(param, click.Option):
            param.__class__ = _zh_class(type(param), _ZhOption)
            if param.name == "version" and param.is_eager and not param.expose_value:
                param.help = VERSION_OPTION_HELP
        if type(param.type).__dict__.get("_zh_methods") is not _ZhType:
            new_type = object.__new__(_zh_class(type(param.type), _ZhType))
            new_type.__dict__.update(param.type.__dict__)  # the shared click.INT etc. stay as they are
            param.type = new_type


# ---------------------------------------------------------------- wording

def type_metavar(kind) -> str | None:
    if isinstance(kind, click.Choice):
        return None  # its choices are the metavar
    if isinstance(kind, click.Path):
        return "目录" if not kind.file_okay else "文件" if not kind.dir_okay else "路径"
    if isinstance(kind, (click.types.IntParamType, click.IntRange)):
        return "整数"
    if isinstance(kind, (click.types.FloatParamType, click.FloatRange)):
        return "数字"
    if isinstance(kind, click.types.BoolParamType):
        return "是否"
    if isinstance(kind, click.types.StringParamType):
        return "文字"
    if isinstance(kind, click.DateTime):
        return "日期"
    return None


def quoted(value) -> str:
    return f"「{printable(str(value))}」"


def _range(kind) -> str:
    low, high = getattr(kind, "min", None), getattr(kind, "max", None)
    low_open, high_open = getattr(kind, "min_open", False), getattr(kind, "max_open", False)
    parts = []
    if low is not None:
        parts.append(f"{'大于' if low_open else '不小于'} {low}")
    if high is not None:
        parts.append(f"{'小于' if high_open else '不大于'} {high}")
    return "、".join(parts)


def conversion_problem(kind, value) -> str:
    """Why a value does not convert, in Chinese, from the type itself (not from click's English)."""
    shown = quoted(value)
    if isinstance(kind, click.Choice):
        return f"{shown}不是可选的值，可选：{'、'.join(map(str, kind.choices))}"
    if isinstance(kind, click.Path):
        path = os.fsdecode(value) if isinstance(value, (bytes, os.PathLike)) else str(value)
        if not os.path.exists(path):
            return f"路径{shown}不存在"
        if os.path.isfile(path) and not kind.file_okay:
            return f"{shown}是文件，这里要的是目录"
        if os.path.isdir(path) and not kind.dir_okay:
            return f"{shown}是目录，这里要的是文件"
        return f"没有权限读写{shown}"
    if isinstance(kind, (click.IntRange, click.FloatRange)):
        number = click.types.IntParamType if isinstance(kind, click.IntRange) else click.types.FloatParamType
        try:
            number().convert(value, None, None)
        except BadParameter:
            return f"{shown}不是{'整数' if number is click.types.IntParamType else '数字'}"
        return f"{shown}超出范围，应{_range(kind)}"
    if isinstance(kind, click.types.IntParamType):
        return f"{shown}不是整数"
    if isinstance(kind, click.types.FloatParamType):
        return f"{shown}不是数字"
    if isinstance(kind, click.types.BoolParamType):
        return f"{shown}不是 是/否（可写 true、false、yes、no、1、0）"
    if isinstance(kind, click.DateTime):
        return f"{shown}不是日期，应写成 {'、'.join(kind.formats)} 之一"
    return f"{shown}无效"


def _param_name(param, ctx) -> str:
    if isinstance(param, click.Option):
        return " / ".join(param.opts + param.secondary_opts)
    if isinstance(param, click.Argument):
        return param.human_readable_name
    return getattr(param, "name", None) or "参数"


def _param_kind(param) -> str:
    return "选项" if isinstance(param, click.Option) else "参数"


def _did_you_mean(possibilities) -> str:
    if not possibilities:
        return ""
    names = sorted(possibilities)
    return f"是否想写 {names[0]}？" if len(names) == 1 else f"是否想写其中之一：{'、'.join(names)}？"


def _has_chinese(text: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in text or "")


def _find_option(ctx, name: str):
    for param in ctx.command.get_params(ctx) if ctx else []:
        if isinstance(param, click.Option) and name in param.opts + param.secondary_opts:
            return param
    return None


def usage_problem(exc: click.UsageError) -> str:
    """The Chinese sentence for a click usage error, built from its attributes."""
    log.debug("click usage error: %s", exc.format_message() if hasattr(exc, "format_message") else exc)
    ctx = exc.ctx
    no_such_command = (getattr(click.exceptions, "NoSuchCommand", ZhNoSuchCommand), ZhNoSuchCommand)
    if isinstance(exc, ExtraArguments):
        return f"多余的参数：{'、'.join(quoted(a) for a in exc.extra)}（含空格的路径或文字请加引号）"
    if isinstance(exc, no_such_command):
        return f"没有这个命令：{quoted(exc.command_name)}。{_did_you_mean(exc.possibilities)}"
    if isinstance(exc, NoSuchOption):
        return f"没有这个选项：{quoted(exc.option_name)}。{_did_you_mean(exc.possibilities)}"
    if isinstance(exc, MissingParameter):
        param = exc.param
        if param is None:
            return "缺少必填的参数。"
        if isinstance(param, click.Option):
            return f"缺少必填选项 {_param_name(param, ctx)}。"
        return f"缺少参数 {_param_name(param, ctx)}。"
    if isinstance(exc, BadParameter):
        param = exc.param
        where = f"{_param_kind(param)} {_param_name(param, ctx)} 的值无效" if param is not None else "值无效"
        if isinstance(exc, ZhBadParameter) or _has_chinese(exc.message):
            return f"{where}：{printable(exc.message)}"
        return f"{where}。"
    if isinstance(exc, BadOptionUsage):
        option = _find_option(ctx, exc.option_name)
        if option is not None and (option.is_flag or option.count):
            return f"选项 {exc.option_name} 是开关，不接受值。"
        return f"选项 {exc.option_name} 后面缺少值。"
    if isinstance(exc, BadArgumentUsage):
        return "参数的个数不对。"
    if _has_chinese(exc.message):
        return printable(exc.message)
    return "命令行用法有误。"


def show_usage_error(exc: click.UsageError) -> None:
    lines = [f"错误：{usage_problem(exc)}"]
    ctx = exc.ctx
    if ctx is not None:
        lines.append(ctx.get_usage())
        help_names = ctx.command.get_help_option_names(ctx) if ctx.command.add_help_option else []
        if help_names:
            lines.append(f"运行「{ctx.command_path} {max(help_names, key=len)}」查看说明。")
    click.echo("\n".join(lines), err=True)


# ---------------------------------------------------------------- the group

_NO_ARGS_IS_HELP = getattr(click.exceptions, "NoArgsIsHelpError", ())  # click >= 8.2; before, help and exit 0


class ZhNoSuchCommand(click.UsageError):
    """click < 8.4 has no NoSuchCommand: the same attributes, for usage_problem."""

    def __init__(self, command_name: str, possibilities, ctx):
        import difflib

        super().__init__("no such command", ctx)
        self.command_name = command_name
        self.possibilities = difflib.get_close_matches(command_name, list(possibilities))


def route_library_english() -> None:
    """Library warnings (openpyxl's "Data Validation extension is not supported and will be removed" on
    most WPS workbooks) go to the debug log, not the clerk's terminal. DUBAN_DEBUG=1 shows that log."""
    if os.environ.get("DUBAN_DEBUG"):
        logging.basicConfig(level=logging.DEBUG, format="调试：%(name)s：%(message)s")

    def to_debug_log(message, category, filename, lineno, file=None, line=None):
        logging.getLogger("duban.library").debug("%s: %s (%s:%s)", category.__name__, message, filename, lineno)

    warnings.showwarning = to_debug_log



class ZhGroup(click.Group):
    """The root group: localises its tree and reports click's errors in Chinese with click's exit codes."""

    context_class = ZhContext
    group_class = type  # subgroups made with @group.group are of the same class

    def main(self, args=None, prog_name=None, complete_var=None, standalone_mode=True, **extra):
        localise(self)
        route_library_english()
        self._zh_finished = False
        try:
            rv = super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
        except _NO_ARGS_IS_HELP as exc:  # `duban rules`: the (Chinese) help, as click does
            if not standalone_mode:
                raise
            click.echo(exc.ctx.get_help(), err=True)
            sys.exit(exc.exit_code)
        except click.UsageError as exc:
            if not standalone_mode:
                raise
            show_usage_error(exc)
            sys.exit(exc.exit_code)
        except click.exceptions.Abort:
            if not standalone_mode:
                raise
            click.echo("已中止。", err=True)
            sys.exit(1)
        except click.ClickException as exc:
            if not standalone_mode:
                raise
            log.debug("click error: %s", exc.format_message())
            filename = getattr(exc, "filename", None)
            text = f"无法打开文件{quoted(filename)}" if filename else (printable(exc.message) if _has_chinese(exc.message) else "命令行出错")
            click.echo(f"错误：{text}", err=True)
            sys.exit(exc.exit_code)
        if standalone_mode:  # click's Exit (--help, ctx.exit) returned its code; a finished command exits 0
            sys.exit(0 if self._zh_finished or not isinstance(rv, int) else rv)
        return rv

    def invoke(self, ctx):
        rv = super().invoke(ctx)
        self._zh_finished = True
        return rv

    def resolve_command(self, ctx, args):
        try:
            return super().resolve_command(ctx, args)
        except click.UsageError as exc:
            if type(exc) is not click.UsageError or not args:  # click >= 8.4 raises NoSuchCommand itself
                raise
            raise ZhNoSuchCommand(str(args[0]), self.list_commands(ctx), ctx) from None

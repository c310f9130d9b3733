"""Is this Python one duban supports, and was .venv made by it? Messages in Chinese, for `make`.

Usage: python tools/check_python.py            exit 1 (with advice) when the version is unsupported
       python tools/check_python.py --venv DIR  exit 1 when DIR was made by another Python (rebuild it)
Written for any Python 3 so the advice reaches people on an old one too."""

import os
import sys

LOW, HIGH = (3, 11), (3, 14)  # inclusive; durable_rules only on 3.11/3.12, the rest use the vectorised evaluator


def _version():
    return "%d.%d" % sys.version_info[:2]


def check_version():
    v = sys.version_info[:2]
    if LOW <= v <= HIGH:
        if v >= (3, 13):
            print("提示：Python %s 上没有 durable_rules，duban 会用判定结果相同的向量化求值器（vectorised）。" % _version())
        return 0
    why = "太旧" if v < LOW else "太新"
    sys.stderr.write(
        "错误：找到的 Python %s（%s）%s，duban 需要 Python 3.11 到 3.14（推荐 3.12）。\n"
        "  请安装 Python 3.12，然后运行：make PY=python3.12 demo\n"
        "  （或指定完整路径，例如 make PY=/usr/bin/python3.12 test）\n" % (_version(), sys.executable, why))
    return 1


def venv_matches(venv):
    """0 when venv's interpreter is this Python's version (or there is no venv yet), 1 when it must be rebuilt."""
    cfg = os.path.join(venv, "pyvenv.cfg")
    if not os.path.exists(cfg):
        return 1 if os.path.exists(venv) else 0  # a half-made venv (an earlier failed attempt) is rebuilt
    with open(cfg, encoding="utf-8") as handle:
        for line in handle:
            key, _, value = line.partition("=")
            if key.strip() in ("version", "version_info"):
                made = ".".join(value.strip().split(".")[:2])
                if made != _version():
                    print("提示：%s 是用 Python %s 建立的，现在用 Python %s，重新建立。" % (venv, made, _version()))
                    return 1
                return 0
    return 1


if __name__ == "__main__":
    if sys.argv[1:2] == ["--venv"]:
        sys.exit(venv_matches(sys.argv[2]))
    sys.exit(check_version())

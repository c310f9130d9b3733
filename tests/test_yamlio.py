import pytest

from engine.errors import InputError
from engine.store.yamlio import atomic_write_text, load_yaml_text


def test_yaml11_traps_do_not_change_values():
    data = load_yaml_text("a: 010\nb: yes\nc: off\nd: 2023-09-30\ne: 是\nf: 1e3\ng: true\n")
    assert data == {"a": "010", "b": "yes", "c": "off", "d": "2023-09-30", "e": "是", "f": 1000.0, "g": True}


def test_positions_are_recorded():
    data = load_yaml_text("top: 1\nitems:\n  - id: T1\n    text: x\n")
    assert data.key_pos["items"] == (2, 1)
    assert data["items"][0].line == 3


def test_python_tags_are_refused():
    with pytest.raises(InputError) as err:
        load_yaml_text("x: !!python/object/apply:os.system [echo pwned]", "evil.yaml")
    assert "evil.yaml:1" in err.value.format()
    assert "不允许的 YAML 标签" in err.value.format()


def test_syntax_error_names_line_in_chinese():
    with pytest.raises(InputError) as err:
        load_yaml_text("a: 1\n  b: 2\n", "f.yaml")
    text = err.value.format()
    assert text.startswith("f.yaml:2:")
    assert "冒号" in text


def test_duplicate_keys_are_an_error():
    with pytest.raises(InputError, match="重复的键"):
        load_yaml_text("a: 1\na: 2\n")


def test_alias_bomb_refused():
    lines = ["a: &a [x, x, x, x, x, x, x, x, x, x]"] + [f"k{i}: [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]" for i in range(200)]
    with pytest.raises(InputError, match="别名"):
        load_yaml_text("\n".join(lines))


def test_atomic_write_replaces_whole_file(tmp_path):
    target = tmp_path / "out.txt"
    atomic_write_text(target, "旧内容")
    atomic_write_text(target, "新内容")
    assert target.read_text(encoding="utf-8") == "新内容"
    assert [p.name for p in tmp_path.iterdir()] == ["out.txt"]


def test_atomic_write_keeps_a_readable_mode(tmp_path):
    import os
    import stat

    target = tmp_path / "plan.yaml"
    atomic_write_text(target, "a: 1\n")
    assert stat.S_IMODE(os.stat(target).st_mode) & 0o044  # group/other can read, as with a normal write
    os.chmod(target, 0o640)
    atomic_write_text(target, "a: 2\n")
    assert stat.S_IMODE(os.stat(target).st_mode) == 0o640


def test_positions_of_nested_items_point_at_their_start():
    data = load_yaml_text("a: [x, [y], {k: v}]\nb:\n  - - 1\n")
    assert data["a"].item_pos == [(1, 5), (1, 8), (1, 13)]  # the `[` / `{` that opens each, not where it closes
    assert data["a"][2].key_pos == {"k": (1, 14)}
    assert (data["b"][0].line, data["b"][0].col) == (3, 5)


def test_aliases_share_data_and_unknown_ones_are_named():
    data = load_yaml_text("base: &b {unit: 公里}\nuse: *b\n")
    assert data["use"] == {"unit": "公里"}
    with pytest.raises(InputError, match="未定义的锚点") as err:
        load_yaml_text("a: *nowhere\n", "f.yaml")
    assert err.value.format().startswith("f.yaml:1:4:")


@pytest.mark.parametrize("text, fragment", [
    ("a: 1\n---\nb: 2\n", "f.yaml:2:1: YAML 格式错误：一个文件只能有一份内容"),
    ("? [a]\n: 1\n", "f.yaml:1:3: YAML 格式错误：键必须是简单文字"),
    ("a: &x [1]\n*x : 2\n", "f.yaml:2:1: YAML 格式错误：键必须是简单文字"),
    ("a: !!int 0o17\n", "f.yaml:1:4: YAML 格式错误：「0o17」不是可读取的整数"),
    ("a: !!bool yes\n", "f.yaml:1:4: YAML 格式错误：值「yes」与标签 bool 不符"),
    ("a: !local x\n", "f.yaml:1:4: 不允许的 YAML 标签：'!local'"),
])
def test_structure_errors_name_the_place(text, fragment):
    with pytest.raises(InputError) as err:
        load_yaml_text(text, "f.yaml")
    assert err.value.format().startswith(fragment), err.value.format()


def test_explicit_plain_tags_and_special_floats():
    data = load_yaml_text("a: !!str 010\nb: !!int '12'\nc: !!float 1_000.5\nd: -.inf\ne: !!null x\nf: ''\ng:\n")
    assert data == {"a": "010", "b": 12, "c": 1000.5, "d": float("-inf"), "e": None, "f": "", "g": None}

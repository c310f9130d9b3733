"""The bad-rules corpus: one mistake a clerk makes per case, and the exact Chinese message with
file:line:col it must produce. A case is a single rule file (loaded next to the shipped params.yaml)
or a directory (a small rulebook; the shipped params.yaml is added unless the case has its own).

Every case must fail to load — a rulebook with any error never runs — and report exactly these
problems, in this order. To add a case: put the file in tests/fixtures/bad_rules/ and its messages here.
"""

import shutil

import pytest

from engine.errors import RuleError
from engine.rulebook.load import load_rulebook

from .conftest import FIXTURES, RULES

BAD = FIXTURES / "bad_rules"

EXPECTED = {
    '01_unknown_field.yaml': [
        '01_unknown_field.yaml:6:3: 未知的事实字段「落后时续」（是否想写「落后时序」？）',
    ],
    '02_unknown_rule_key.yaml': [
        '02_unknown_rule_key.yaml:3:1: 规则中有未知的键「tittle」（是否想写「title」？）',
    ],
    '03_missing_when.yaml': [
        '03_missing_when.yaml:1:1: 缺少必填项「when」（条件）',
    ],
    '04_unknown_operator.yaml': [
        '04_unknown_operator.yaml:6:10: 未知的比较方式「=>」（是否想写「>=」？）',
    ],
    '05_unknown_status.yaml': [
        '05_unknown_status.yaml:8:3: 未知的状态「落后」（是否想写「滞后」？）',
    ],
    '06_status_for_indicator.yaml': [
        '06_status_for_indicator.yaml:8:3: 状态「不达预期」只用于指标（indicator），本规则适用于任务（task）（可用：已完成、超时序、正常、滞后、严重滞后、待核实、已调整）',
    ],
    '07_unknown_severity.yaml': [
        '07_unknown_severity.yaml:9:3: 未知的严重程度「warning」（是否想写「warn」？）',
    ],
    '08_unknown_escalation.yaml': [
        '08_unknown_escalation.yaml:10:3: 未知的督办等级「约见」（是否想写「约谈」？）',
    ],
    '09_two_conditions_one_level.yaml': [
        '09_two_conditions_one_level.yaml:7:3: 同一层写了 2 个条件（落后时序、完成率）（要同时满足请写 all: 列表，满足其一写 any: 列表，每个条件前加「- 」）',
    ],
    '10_empty_all.yaml': [
        '10_empty_all.yaml:6:3: 「all」后应是非空的条件列表（每个条件单独一行，前面加「- 」）',
    ],
    '11_then_without_status_or_message.yaml': [
        '11_then_without_status_or_message.yaml:7:1: then 既没有 status（状态）也没有 message（说明）：规则触发了也不会产生任何结果（判定状态写 status，只作提示写 message）',
    ],
    '12_example_wrong_type.yaml': [
        '12_example_wrong_type.yaml:13:24: 示例字段「shortfall」应为数字，实为「0.25」（数字不要加引号）',
    ],
    '13_example_unknown_field.yaml': [
        '13_example_unknown_field.yaml:13:24: 示例中有未知的事实字段「shortfal」（是否想写「shortfall」？）',
    ],
    '14_example_expect_yes.yaml': [
        '14_example_expect_yes.yaml:14:5: 示例的 expect 应为 fire（触发）或 no_fire（不触发），实为「yes」（写 fire / no_fire，或 触发 / 不触发）',
    ],
    '15_duplicate_ids': [
        'R-X-02.yaml:1:1: 规则编号「R-X-01」重复：R-X-01.yaml 已使用（复制规则文件后请改 id）',
    ],
    '16_param_missing.yaml': [
        '16_param_missing.yaml:6:10: 未知的参数「tolerence」（是否想写「tolerance」？）',
    ],
    '17_message_unknown_placeholder.yaml': [
        '17_message_unknown_placeholder.yaml:10:3: message 中引用了未知的名称「{ration:%}」（是否想写「ratio」？）',
    ],
    '18_message_unbalanced_brace.yaml': [
        '18_message_unbalanced_brace.yaml:10:3: message 中的花括号不配对（占位写 {字段名}，要显示花括号本身请写 {{ 或 }}）',
    ],
    '19_keyword_regex.yaml': [
        '19_keyword_regex.yaml:6:10: 关键词「暂缓|暂停」含有特殊字符 |（关键词按字面匹配，不支持正则表达式；用“…”表示中间可隔任意文字，如 被…通报）',
    ],
    '20_version_not_int.yaml': [
        '20_version_not_int.yaml:2:1: version（版本号）应为正整数，实为「v2」（改规则时加 1，如 2）',
    ],
    '21_applies_to_wrong.yaml': [
        '21_applies_to_wrong.yaml:4:1: 适用对象应为 task（任务）或 indicator（指标），实为「tasks」（是否想写「task」？）',
    ],
    '22_not_a_mapping.yaml': [
        '22_not_a_mapping.yaml:1:1: 规则文件的顶层应为映射（键: 值），实为列表（每行一个「键: 值」，不要以「- 」开头）',
    ],
    '23_empty_file.yaml': [
        '23_empty_file.yaml:1:1: 规则文件是空的（每个规则文件应有 id、title、applies_to、when、then、examples）',
    ],
    '24_not_utf8.yaml': [
        '24_not_utf8.yaml:3:8: 不是 UTF-8 编码的文本（看起来是 GBK 编码）（请在记事本或 WPS 中「另存为」，编码选 UTF-8）',
    ],
    '25_tab_indent.yaml': [
        '25_tab_indent.yaml:6:1: YAML 格式错误：出现了制表符（Tab），YAML 只能用空格缩进',
    ],
    '26_duplicate_keys.yaml': [
        '26_duplicate_keys.yaml:10:3: YAML 格式错误：重复的键「status」',
    ],
    '27_fullwidth_colon_line.yaml': [
        '27_fullwidth_colon_line.yaml:6:3: 未知的事实字段「完成率：{">"」（其中有全角冒号「：」：YAML 的冒号、逗号、括号、引号和缩进空格必须用半角（英文）符号，冒号后加一个空格）',
    ],
    '28_fullwidth_colon_in_key.yaml': [
        '28_fullwidth_colon_in_key.yaml:6:3: 未知的事实字段「落后时序：」（其中有全角冒号「：」：YAML 的冒号、逗号、括号、引号和缩进空格必须用半角（英文）符号，冒号后加一个空格）',
    ],
    '29_fullwidth_comma_in_braces.yaml': [
        '29_fullwidth_comma_in_braces.yaml:6:33: YAML 格式错误：花括号 { } 里找不到应有的半角逗号「,」或右花括号「}」（其中有全角逗号「，」：YAML 的冒号、逗号、括号、引号和缩进空格必须用半角（英文）符号，冒号后加一个空格）',
    ],
    '30_curly_quotes_keyword.yaml': [
        '30_curly_quotes_keyword.yaml:6:10: 关键词「“暂缓”」两端是中文引号（YAML 不把中文引号当作引号，它们会成为关键词的一部分；请去掉两端的引号）',
    ],
    '31_yes_for_boolean.yaml': [
        '31_yes_for_boolean.yaml:6:3: 「有进展」应为是/否，实为「yes」（「yes」在不同的 YAML 版本中含义不同，本工具不猜：请写 true 或 false（也可写 是 / 否））',
    ],
    '32_leading_zero.yaml': [
        '32_leading_zero.yaml:6:10: 「进展字数」的「>=」应为数字，实为「015」（「015」以 0 开头：YAML 1.1 会当作八进制，本工具不猜，请写 15）',
    ],
    '33_percent_as_text.yaml': [
        '33_percent_as_text.yaml:6:9: 「完成率」的「>=」应为数字，实为「100%」（百分比写成小数：100% 写 1.0）',
    ],
    '34_unquoted_operator.yaml': [
        '34_unquoted_operator.yaml:6:9: YAML 格式错误：字符「>」不能直接出现在这里（比较符号要加英文引号，如 ">="，或用中文（大于、不小于……））',
    ],
    '35_param_key_typo.yaml': [
        '35_param_key_typo.yaml:6:10: 「落后时序」的「>」后应是一个值，实为「{parm: tolerance}」（引用参数请写 {param: 参数名}）',
    ],
    '36_size_compare_on_text.yaml': [
        '36_size_compare_on_text.yaml:6:10: 「项目阶段」是文字字段，不能用「>」比较大小（文字字段用 等于、属于 或 包含）',
    ],
    '37_keywords_in_one_string.yaml': [
        '37_keywords_in_one_string.yaml:6:10: 关键词「暂缓、暂停、停工」中有「、」，会被当作一整个词（多个关键词请写成列表，如 [暂缓, 暂停]；要求两词先后出现请用“…”连接）',
    ],
    '38_fullwidth_space_indent.yaml': [
        '38_fullwidth_space_indent.yaml:5:1: 条件为空（如 完成率: {">=": 1}）',
        '38_fullwidth_space_indent.yaml:6:1: 规则中有未知的键「\u3000\u3000落后时序」（其中有全角空格：YAML 的冒号、逗号、括号、引号和缩进空格必须用半角（英文）符号，冒号后加一个空格）',
    ],
    '39_colon_without_space.yaml': [
        '39_colon_without_space.yaml:6:3: 未知的事实字段「完成率:{">="」（冒号后要加一个空格，如 完成率: {">=": 1}）',
    ],
    '40_bad_params_values': [
        'params.yaml:6:3: time_progress.method 应为 months（按月）、days（按天）或 curve（自定义曲线），实为「month」（是否想写「months」？）',
        'params.yaml:10:1: 参数「severe_gap」（0.1）应大于「tolerance」（0.5）（否则两档之间的规则永远不会触发）',
        'params.yaml:11:1: 参数「ahead_margin」应为 0 到 1 之间的小数（10 个百分点写 0.10），实为「10」',
        'params.yaml:69:27: 参数「status_precedence」中有未知的状态「落后」（是否想写「滞后」？）',
    ],
    '41_param_name_typo': [
        'params.yaml:83:1: 参数「tolerence」没有被任何规则引用（是否想写「tolerance」？新参数请在规则中用 {param: tolerence} 引用，暂不用的请以 x_ 开头）',
    ],
    '42_bad_word_in_params': [
        'params.yaml:22:5: 关键词「暂停|停工」含有特殊字符 |（关键词按字面匹配，不支持正则表达式；用“…”表示中间可隔任意文字，如 被…通报）',
    ],
    '43_many_mistakes.yaml': [
        '43_many_mistakes.yaml:3:1: 规则中有未知的键「titel」（是否想写「title」？）',
        '43_many_mistakes.yaml:6:3: 未知的事实字段「落后时续」（是否想写「落后时序」？）',
        '43_many_mistakes.yaml:9:3: 未知的严重程度「严重」（可用：error（错误）、warn（警告）、info（提示））',
        '43_many_mistakes.yaml:17:5: 示例的 expect 应为 fire（触发）或 no_fire（不触发），实为「否」（写 fire / no_fire，或 触发 / 不触发）',
    ],
    '44_yml_extension': [
        'R-X-02.yml: 规则文件的扩展名应为 .yaml（小写），此文件不会被读取（请改名为 R-X-02.yaml）',
    ],
    '45_between_reversed.yaml': [
        '45_between_reversed.yaml:6:9: 「完成率」的「介于」：下限 1 大于上限 0.5，条件永远不成立（写成 [下限, 上限]）',
    ],
    '46_example_fact_not_mapping.yaml': [
        '46_example_fact_not_mapping.yaml:16:5: 示例的 fact 应为映射（字段: 值），实为「ratio 0.7」',
    ],
    '47_not_a_group_list.yaml': [
        '47_not_a_group_list.yaml:6:3: 「all」后应是条件列表，实为映射（每个条件单独一行，前面加「- 」）',
    ],
    '48_list_for_value.yaml': [
        '48_list_for_value.yaml:6:3: 「项目阶段」后直接写了列表「[未启动, 前期]」（多个可选值请写 {属于: [...]}，区间请写 {介于: [下限, 上限]}）',
    ],
    '49_tolerance_in_percent.yaml': [
        '49_tolerance_in_percent.yaml:6:10: 「落后时序」的「>」应为小数（比例），实为「15」（「落后时序」是比例，15 个百分点请写 0.15）',
    ],}


def load_case(name, tmp_path):
    case, rules = BAD / name, tmp_path / "rules"
    if case.is_dir():
        shutil.copytree(case, rules)
    else:
        rules.mkdir()
        shutil.copy(case, rules / case.name)
    if not (rules / "params.yaml").exists():
        shutil.copy(RULES / "params.yaml", rules / "params.yaml")
    with pytest.raises(RuleError) as err:
        load_rulebook(rules)
    return [p.format().replace(f"{rules}/", "") for p in err.value.problems]


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_bad_rule_case(name, tmp_path):
    assert load_case(name, tmp_path) == EXPECTED[name]


def test_every_fixture_has_expectations_and_there_are_enough():
    cases = sorted(p.name for p in BAD.iterdir())
    assert cases == sorted(EXPECTED)
    assert len(cases) >= 25


def test_every_message_names_line_and_column_except_whole_file_problems():
    whole_file = {"44_yml_extension"}  # a file that is never read has no line to point at
    for name, messages in EXPECTED.items():
        if name not in whole_file:
            assert all(m.split(": ", 1)[0].count(":") == 2 for m in messages), name


# ---------------------------------------------------------------- a list or mapping where a word belongs
# Found by tests/test_fuzz_rules.py: such values were hashed or searched in and crashed (TypeError)
# instead of being reported.

def edited_case(tmp_path, name, old, new):
    """The shipped rulebook with one edit in one file; the problems as test_bad_rule_case shows them."""
    rules = tmp_path / "rules"
    shutil.copytree(RULES, rules, ignore=shutil.ignore_patterns("lexicon", "audit"))
    path = rules / name
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(RuleError) as err:
        load_rulebook(rules)
    return [p.format().replace(f"{rules}/", "") for p in err.value.problems]


@pytest.mark.parametrize("expect", ["[fire]", "{}", "{fire: true}"])
def test_example_expect_that_is_a_list_or_mapping(tmp_path, expect):
    assert edited_case(tmp_path, "R-ST-01.yaml", "expect: fire", f"expect: {expect}") == [
        f'R-ST-01.yaml:16:5: 示例的 expect 应为 fire（触发）或 no_fire（不触发），实为「{expect}」'
        '（写 fire / no_fire，或 触发 / 不触发）',
    ]
    # the same mistake in a decision-table row is placed in the table file
    assert edited_case(tmp_path / "t", "tables/时序进度.yaml", "expect: fire", f"expect: {expect}") == [
        f'tables/时序进度.yaml:19:9: 示例的 expect 应为 fire（触发）或 no_fire（不触发），实为「{expect}」'
        '（写 fire / no_fire，或 触发 / 不触发）',
    ]


def test_precedence_items_that_are_not_words(tmp_path):
    # the shipped list starts with 已调整 (issue 14: approved changes outrank 滞后), hence the columns
    assert edited_case(tmp_path, "params.yaml", "[已调整, 严重滞后, 滞后, 待核实,", "[已调整, 严重滞后, [滞后], [滞后], 待核实, 1, 1, {},") == [
        'params.yaml:71:32: 参数「status_precedence」的每一项应为文字（状态名），实为「[滞后]」（是否想写「滞后」？）',
        'params.yaml:71:38: 参数「status_precedence」的每一项应为文字（状态名），实为「[滞后]」（是否想写「滞后」？）',
        'params.yaml:71:49: 参数「status_precedence」的每一项应为文字（状态名），实为「1」（可用：已完成、超时序、正常、滞后、严重滞后、待核实、已调整）',
        'params.yaml:71:52: 参数「status_precedence」的每一项应为文字（状态名），实为「1」（可用：已完成、超时序、正常、滞后、严重滞后、待核实、已调整）',
        'params.yaml:71:55: 参数「status_precedence」的每一项应为文字（状态名），实为「{}」（可用：已完成、超时序、正常、滞后、严重滞后、待核实、已调整）',
    ]


@pytest.mark.parametrize("ladder", ["true", "5", "提醒", "{提醒: 1}", "[提醒, [督办]]", "[]"])
def test_escalation_ladder_that_is_not_a_list_of_words_is_reported_once(tmp_path, ladder):
    """In params.yaml only: the rules that name a level are not each told it is unknown."""
    assert edited_case(tmp_path, "params.yaml", "escalation_ladder: [提醒, 督办, 约谈, 通报, 问责]", f"escalation_ladder: {ladder}") == [
        'params.yaml:75:1: 参数「escalation_ladder」应为非空的文字列表（督办等级，从轻到重）',
    ]


def test_escalation_ladder_missing_is_reported_once(tmp_path):
    assert edited_case(tmp_path, "params.yaml", "escalation_ladder: [提醒, 督办, 约谈, 通报, 问责]\n", "") == [
        'params.yaml:5:1: 参数「escalation_ladder」应为非空的文字列表（督办等级，从轻到重）',
    ]

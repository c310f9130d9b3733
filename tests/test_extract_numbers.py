"""Numbers, units, qualifiers and kinds read from progress texts (Fuling sentences and other styles)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings, strategies as st

from engine.extract import read_progress, read_targets
from engine.extract.numbers import normalize


def one(text, **want):
    ms = read_progress(text, "2023-09")["measures"]
    hits = [m for m in ms if all(m.get(k) == v for k, v in want.items())]
    assert hits, f"{text}: 没有 {want}，实得 {[(m['quantity'], m['unit'], m['kind'], m['direction']) for m in ms]}"
    return hits[0]


@pytest.mark.parametrize("text,quantity,unit", [
    ("完成投资12,345.6万元", 12345.6, "万元"),
    ("完成投资１２３.４亿元", 123.4, "亿元"),
    ("新建城市社区公园十五个", 15.0, "个"),
    ("建成两所学校", 2.0, "所"),
    ("已建成标准化厂房12.765万平米", 12.765, "万平方米"),
    ("完成建筑能效测评面积345.5万㎡", 345.5, "万平方米"),
    ("建成高标准农田5万亩", 5.0, "万亩"),
    ("累计产气53.1亿方", 53.1, "亿立方米"),
    ("新建管网12千米", 12.0, "公里"),
    ("实际使用外资1885万美元", 1885.0, "万美元"),
    ("接待游客2617.35万人次", 2617.35, "万人次"),
    ("完成FDI3000万美元", 3000.0, "万美元"),
    ("放生渔获物225公斤", 225.0, "公斤"),
])
def test_quantities_and_units(text, quantity, unit):
    one(text, quantity=quantity, unit=unit)


@pytest.mark.parametrize("text,quantity", [
    ("民间投资增长-11.4%", -11.4),
    ("外贸进出口总额同比下降11.7%", -11.7),
    ("规上工业增加值增长－6.8％", -6.8),
    ("GDP同比增长7.6%", 7.6),
    ("产值增速5.7%", 5.7),
    ("较年初增长21.65%", 21.65),
    ("全区社会消费品零售总额增长百分之十", 10.0),
])
def test_growth_sign(text, quantity):
    one(text, quantity=quantity, kind="growth")


@pytest.mark.parametrize("text,kind", [
    ("完成总进度92%", "progress_pct"),
    ("达年度投资计划80.5%", "progress_pct"),
    ("占年度目标的93%", "progress_pct"),
    ("主体工程完成30%", "progress_pct"),
    ("安装率19.05%", "ratio"),
    ("行政村管道天然气覆盖率已达90%", "ratio"),
    ("技改投资占比41.3%", "ratio"),
    ("每千人口托位数已达3.5个", "ratio"),
])
def test_percent_kinds(text, kind):
    one(text, kind=kind)


@pytest.mark.parametrize("text,direction", [
    ("新增高新技术企业30户以上", "以上"),
    ("举办主题消费活动90余场", "以上"),
    ("投资约5000万元", "约"),
    ("累计下达帮扶资金近8000万元", "近"),
    ("全区新登记市场主体超过1.1万户", "超过"),
    ("城镇登记失业率≤4.5%", "≤"),
])
def test_measure_qualifiers(text, direction):
    one(text, direction=direction)


@pytest.mark.parametrize("text,direction", [
    ("力争社会融资规模突破2000亿元", "以上"),
    ("城镇调查失业率控制在5.5%以内", "以内"),
    ("粮食播种面积稳定在60万亩左右", "左右"),
    ("技改投资占比不低于45%", "以上"),
    ("城镇登记失业率≤4.5%", "以内"),
])
def test_target_directions(text, direction):
    assert read_targets(text)[0]["direction"] == direction


@pytest.mark.parametrize("text", [
    "8月15日，召开领导小组会。",
    "居主城都市区第2位。",
    "华峰氨纶六期土建已完成。",
    "达新半导体6英寸IGBT功率半导体生产线",
    "围绕“六个跃升”目标，深入落实“十项行动”。",
    "实施新一轮乡镇财政管理体制改革。",
    "一次性求职创业补贴",
    "2023年减排目标任务",
    "G351石板沟长江大桥",
    "每万人拥有数",
])
def test_near_misses_read_no_number(text):
    assert read_progress(text, "2023-09")["measures"] == []


def test_forecast_and_cumulative():
    m = one("预计新增“小巨人”企业4户", quantity=4.0)
    assert m["forecast"] is True
    m = one("已新增发放创业担保贷款6066万元", quantity=6066.0)
    assert m["forecast"] is False
    m = one("新增市级“专精特新”中小企业60户、累计150户", quantity=150.0)
    assert m["cumulative"] is True
    m = one("新增市级“专精特新”中小企业60户、累计150户", quantity=60.0)
    assert m["cumulative"] is False
    assert one("组织123家企业申报高新技术企业", quantity=123.0)["forecast"] is True
    assert one("接待游客865万人次", quantity=865.0)["forecast"] is False  # 接待 is not 待


def test_verbs_and_objects():
    m = one("1-9月，已拆除违法建筑56万平方米（已整治违法建筑231.45万平方米）", quantity=56.0)
    assert (m["verb_family"], m["object"]) == ("拆除", "违法建筑")
    m = one("1-9月，已拆除违法建筑56万平方米（已整治违法建筑231.45万平方米）", quantity=231.45)
    assert m["verb_family"] == "整治"
    assert one("10条道路基本完工", quantity=10.0)["verb_family"] == "建设"
    assert one("完成增加值151.65亿元", quantity=151.65)["verb_family"] == "建设"  # 增加值 is no verb


def test_span_and_quote_of_full_width_text():
    text = "截至９月底，已完成农村危房改造９８户，其余２５户正在施工。"
    for m in read_progress(text, "2023-09")["measures"]:
        assert m["quote"] == text[m["span"][0]:m["span"][1]]
    assert one(text, quantity=98.0)["unit"] == "户"


def test_normalize_keeps_length():
    s = "１—９月完成３５％，己完成"
    assert len(normalize(s)) == len(s) and normalize(s).startswith("1-9月")


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet="0123456789０１２.,%％万亿元个人吨亩米以上约近增长下降已完成拆除建成预计累计其中，。、月底前三季度一二三十百分之", max_size=60))
def test_spans_always_quote_the_text(text):
    r = read_progress(text, "2023-09")
    for item in r["measures"] + r["flags"] + ([r["stage"]] if r["stage"] else []):
        s, e = item["span"]
        assert 0 <= s <= e <= len(text) and item["quote"] == text[s:e]
    for t in read_targets(text):
        s, e = t["span"]
        assert t["quote"] == text[s:e]

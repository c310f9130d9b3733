"""A deterministic synthetic national workspace set, for `duban bench`.

Each workspace is one county: ~250 plan items (tasks and indicators) and a progress text per item and
quarter. The prose follows the phrasing of real reports (facts/fuling-2023, tests/fixtures/extraction):
targets with units and numerals (Arabic, Chinese, 百分之…), progress with numbers, data periods (some
stale), project stages, flags (暂缓, 被…通报, 完成难度较大 …), forecasts and placeholders. Every text is
assembled from small parts by a RNG seeded with (seed, workspace index), so any workspace can be made
on its own, in any process, identically; no real row is copied.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

PERIODS = ("2023-03", "2023-06", "2023-09", "2023-12")
PERIOD_WORDS = {3: ("一季度", "1-3月", "截至3月底", "1至3月", "今年以来"), 6: ("上半年", "1-6月", "截至6月底", "1—6月"),
                9: ("前三季度", "1-9月", "截至9月底", "1—9月", "1至9月"), 12: ("全年", "1-12月", "截至12月底")}
STALE_WORDS = ("1-{m}月", "截至{m}月底", "截至{m}月末")
# (verb, object, unit, low, high, unit as sometimes reported, factor to that unit)
AMOUNTS = (
    ("新改建", "“四好农村路”", "公里", 30, 200, "千米", 1), ("完成", "营造林", "万亩", 2, 30, "亩", 1e4),
    ("拆除", "违法建筑", "万平方米", 1, 150, "平方米", 1e4), ("新建", "城市绿道", "公里", 3, 60, "米", 1e3),
    ("完成", "老旧管网改造", "公里", 10, 80, None, 1), ("建成", "保障性租赁住房", "套", 300, 3000, None, 1),
    ("新增", "5G基站", "个", 100, 1500, None, 1), ("改造", "城镇老旧小区", "个", 10, 120, None, 1),
    ("完成", "农村危房改造", "户", 50, 500, None, 1), ("新认定", "高新技术企业", "家", 10, 80, None, 1),
    ("新增", "规上工业企业", "家", 10, 60, None, 1), ("完成", "交通基础设施投资", "亿元", 5, 60, "万元", 1e4),
    ("实现", "协议引资", "亿元", 100, 800, None, 1), ("接待", "游客", "万人次", 300, 2000, None, 1),
    ("新增", "城镇就业", "万人", 1, 5, "人", 1e4), ("治理", "水土流失面积", "平方公里", 5, 40, None, 1),
    ("建成", "充电桩", "个", 200, 3000, None, 1), ("改扩建", "农村义务教育学校", "所", 5, 20, None, 1),
    ("培训", "农村劳动力", "人次", 2000, 20000, None, 1), ("安装", "安全护栏", "公里", 50, 200, None, 1),
    ("新增", "市场主体", "万户", 1, 3, "户", 1e4), ("处理", "生活垃圾", "万吨", 5, 30, "吨", 1e4),
)
GROWTHS = ("地区生产总值", "规上工业增加值", "固定资产投资", "社会消费品零售总额", "一般公共预算收入", "外贸进出口总额",
           "农村居民人均可支配收入", "城镇居民人均可支配收入", "工业投资", "战略性新兴产业产值", "农业增加值", "服务业增加值")
RATIOS = (("森林覆盖率", 40, 70, "达到"), ("农村生活污水治理率", 30, 80, "达到"), ("城镇调查失业率", 4, 6, "控制在"),
          ("生活垃圾分类覆盖率", 60, 98, "达到"), ("规上工业企业研发机构覆盖率", 30, 60, "达到"))
PLACES = ("滨江", "城东", "城南", "北山", "临港", "白鹤", "龙潭", "青龙", "新城", "李渡", "清溪", "马武", "江北", "南沱")
PROJECTS = ("路二期", "中医院迁建项目", "档案馆新馆", "物流园二期", "垃圾焚烧发电厂二期", "展销中心", "体育公园",
            "污水处理厂扩建工程", "综合客运枢纽", "人民医院新院区", "职业教育中心", "文化馆新馆", "大桥", "产业园标准厂房")
QUALITATIVE = ("深化{x}改革", "扎实抓好{x}", "持续推进{x}", "全面落实{x}", "着力提升{x}水平", "加快构建{x}体系")
TOPICS = ("营商环境", "长江十年禁渔", "河长制", "林长制", "基层治理", "安全生产", "食品药品监管", "科技体制", "医保支付方式",
          "耕地保护", "乡村振兴衔接", "生态环境保护督察整改", "数字政府建设", "养老服务", "义务教育优质均衡")
ACTIONS = ("印发实施《{x}工作方案》", "召开{x}推进会{n}次", "开展{x}专项检查{n}次", "督促指导各镇街做好{x}工作",
           "完成{x}摸排{n}家", "组织{x}培训{n}场次、{m}人次", "整改问题{n}个", "出台配套政策{n}项",
           "走访企业{n}家，协调解决问题{m}个", "建立“一项目一专班”工作机制", "将{x}纳入年度目标考核",
           "开展{x}“回头看”督导检查", "累计投入资金{m}万元", "争取上级资金{n}亿元", "完善{x}长效管理机制")
UNITS = ("区发展改革委", "区经济信息委", "区交通局", "区住房城乡建委", "区农业农村委", "区生态环境局", "区教委", "区卫生健康委",
         "区商务委", "区财政局", "区人力社保局", "区规划自然资源局", "区文化旅游委", "区城市管理局", "区水利局")
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华建国红梅文斌波宇浩"
STALL = ("因资金未落实，项目暂缓实施", "受用地指标影响，项目暂停推进，近期无进展", "前期手续办理进展缓慢",
         "因投资方调整计划，无法按期完成")
NOTIFIED = ("被市政府办公厅通报", "被市生态环境局约谈", "涉及耕地保护“一票否决”事项")
RISK = ("完成全年目标难度较大", "存在较大困难", "资金缺口较大", "受市场影响，完成难度大")
FORECAST = ("预计全年可完成目标任务", "预计12月底前全部完工", "力争年底前完成全年任务", "预计能够完成全年目标")
NEXT = ("下一步，将持续加大{x}工作力度", "存在问题：{x}工作推进不平衡，部分镇街重视程度不够",
        "下一步，将进一步压实{x}工作责任，加强调度", "存在问题：{x}基础薄弱，专业人才不足")
PLACEHOLDER = ("/", "暂无", "同上", "—")
CN = "零一二三四五六七八九"
WHOLE_UNITS = {"个", "套", "户", "家", "所", "人次", "人"}  # counted things are reported as integers


def cn_number(n: int) -> str:
    """10–99 and 1–9 in Chinese numerals (十五, 二十三), as plans sometimes write counts."""
    if n < 10:
        return CN[n]
    tens, ones = divmod(n, 10)
    return ("" if tens == 1 else CN[tens]) + "十" + (CN[ones] if ones else "")


def fmt(value: float, digits: int) -> str:
    text = f"{value:.{digits}f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


@dataclass
class SynthItem:
    id: str
    kind: str  # task / indicator
    text: str
    family: str  # amount / growth / ratio / milestone / qualitative
    name: str | None = None
    annual_target_text: str | None = None
    category: str | None = None
    leaders: list[str] = field(default_factory=list)
    lead_units: list[str] = field(default_factory=list)
    coop_units: list[str] = field(default_factory=list)
    pace: float = 1.0  # how fast this item moves relative to the calendar
    spec: tuple = ()


@dataclass
class SynthWorkspace:
    name: str
    region: str
    year: int
    items: list[SynthItem]
    progress: dict[str, dict[str, str]]  # period → item id → text


class Writer:
    """The texts of one workspace; every choice goes through self.rnd."""

    def __init__(self, seed: int, index: int):
        self.rnd = random.Random(seed * 1_000_003 + index)
        self.leaders = [self._person() for _ in range(12)]  # a county's deputy heads lead all its tasks

    def _person(self) -> str:
        return self.rnd.choice(SURNAMES) + "".join(self.rnd.sample(GIVEN, self.rnd.choice((1, 2))))

    def pace(self) -> float:
        r = self.rnd.random()
        if r < 0.2:
            return self.rnd.uniform(1.1, 1.6)  # ahead
        if r < 0.65:
            return self.rnd.uniform(0.88, 1.08)
        if r < 0.88:
            return self.rnd.uniform(0.6, 0.85)  # behind
        return self.rnd.uniform(0.15, 0.55)  # far behind

    def plan_item(self, i: int, kind: str) -> SynthItem:
        rnd = self.rnd
        family = rnd.choices(("amount", "growth", "ratio", "milestone", "qualitative"), (40, 12, 8, 15, 25))[0]
        if kind == "indicator":
            family = rnd.choice(("growth", "growth", "amount", "ratio"))
        item = SynthItem(id=f"{'I' if kind == 'indicator' else 'T'}{i:03d}", kind=kind, text="", family=family, pace=self.pace(),
                         category=rnd.choice(("一、推动高质量发展", "二、建设现代化城市", "三、推进乡村振兴", "四、增进民生福祉")),
                         leaders=[rnd.choice(self.leaders)], lead_units=[rnd.choice(UNITS)], coop_units=rnd.sample(UNITS, rnd.randint(0, 3)))
        if family == "amount":
            verb, obj, unit, lo, hi, alt, factor = spec = rnd.choice(AMOUNTS)
            qty = rnd.randint(lo, hi) if hi > 10 else round(rnd.uniform(lo, hi), 1)
            number = cn_number(qty) if isinstance(qty, int) and qty < 100 and unit in ("个", "所", "家") and rnd.random() < 0.3 else fmt(qty, 1)
            item.spec = (verb, obj, unit, qty, alt, factor)
            phrase = rnd.choice(("{v}{o}{n}{u}", "全年{v}{o}{n}{u}", "力争{v}{o}{n}{u}以上", "{o}{v}{n}{u}"))
            text = phrase.format(v=verb, o=obj, n=number, u=unit)
            if kind == "indicator":
                item.name, item.annual_target_text = f"{verb}{obj}（{unit}）", f"{fmt(qty, 1)}{unit}"
        elif family == "growth":
            name = rnd.choice(GROWTHS)
            qty = round(rnd.uniform(4, 12) * 2) / 2
            item.spec = (name, qty)
            tail = rnd.choice(("{q}%", "{q}%以上", "{q}%左右", "百分之{c}")) if qty == int(qty) else rnd.choice(("{q}%", "{q}%以上"))
            text = f"{name}增长" + tail.format(q=fmt(qty, 1), c=cn_number(int(qty)))
            if kind == "indicator":
                item.name, item.annual_target_text = f"{name}增长（%）", f"{fmt(qty, 1)}%"
        elif family == "ratio":
            name, lo, hi, verb = rnd.choice(RATIOS)
            qty = round(rnd.uniform(lo, hi), 1)
            item.spec = (name, qty, verb)
            text = f"{name}{verb}{fmt(qty, 1)}%" + ("以内" if verb == "控制在" else "")
            if kind == "indicator":
                item.name, item.annual_target_text = f"{name}（%）", text[len(name) + len(verb):]
        elif family == "milestone":
            project = rnd.choice(PLACES) + rnd.choice(PROJECTS)
            item.spec = (project,)
            text = rnd.choice(("建成投用{p}", "开工建设{p}", "加快建设{p}", "建成{p}", "完成{p}主体工程")).format(p=project)
        else:
            topic = rnd.choice(TOPICS)
            item.spec = (topic,)
            text = rnd.choice(QUALITATIVE).format(x=topic) + rnd.choice(("。", "，确保取得实效。", "，建立长效机制。"))
        item.text = item.name or (text if text.endswith("。") else text + "。")
        return item

    def period_word(self, month: int, stale: bool) -> str:
        if stale and month > 1:
            return self.rnd.choice(STALE_WORDS).format(m=month - 1)
        return self.rnd.choice(PERIOD_WORDS[month])

    def progress(self, item: SynthItem, month: int) -> str:
        rnd = self.rnd
        if rnd.random() < 0.03:
            return rnd.choice(PLACEHOLDER)
        frac = max(0.0, min(1.6, item.pace * month / 12 * rnd.uniform(0.92, 1.08)))
        when = self.period_word(month, rnd.random() < 0.08)
        body = getattr(self, f"_{item.family}")(item, frac, month)
        text = f"{when}，{body}"
        if item.family != "qualitative" and rnd.random() < 0.85:  # reports explain the work around the figure
            text += "。" + self._qualitative(item, frac, month, rnd.choice(TOPICS))
        if rnd.random() < 0.6:
            text += "。" + rnd.choice(NEXT).format(x=rnd.choice(TOPICS))
        extra = rnd.random()
        if extra < 0.04 and item.kind == "task":
            text += "。" + rnd.choice(STALL)
        elif extra < 0.05 and item.kind == "task":
            text += "，" + rnd.choice(NOTIFIED)
        elif extra < 0.09:
            text += "，" + rnd.choice(RISK)
        elif extra < 0.16 and frac < 1:
            text += "，" + rnd.choice(FORECAST)
        return text + "。"

    def _amount(self, item, frac, month):
        verb, obj, unit, qty, alt, factor = item.spec
        actual = qty * frac
        if alt and self.rnd.random() < 0.25:
            number, unit = fmt(actual * factor, 0 if factor >= 1e3 else 1), alt
            if "." not in number and len(number) > 4 and self.rnd.random() < 0.5:
                number = f"{int(number):,}"
        elif unit in WHOLE_UNITS:
            number = str(int(actual))
        else:
            number = fmt(actual, 2 if actual < 10 else 1)
        said = self.rnd.choice(("已{v}{o}{n}{u}", "{v}{o}{n}{u}", "累计{v}{o}{n}{u}", "全区{v}{o}{n}{u}"))
        text = said.format(v=verb, o=obj, n=number, u=unit)
        pick = self.rnd.random()
        if pick < 0.3:
            text += f"，完成年度目标的{fmt(frac * 100, 1)}%"
        elif pick < 0.4 and frac > 1:
            text += "，超额完成年度任务"
        elif pick < 0.5 and frac < 1:
            rest = qty * (1 - frac)
            text += f"，其余{int(rest) if item.spec[2] in WHOLE_UNITS else fmt(rest, 1)}{item.spec[2]}正在推进"
        return text

    def _growth(self, item, frac, month):
        name, qty = item.spec
        growth = round(qty * (0.4 + 0.6 * min(item.pace, 1.4)) + self.rnd.uniform(-1.5, 1.5), 1)
        if growth < 0:
            change = f"同比下降{fmt(-growth, 1)}%"
        else:
            change = self.rnd.choice(("同比增长{g}%", "增长{g}%", "增速{g}%")).format(g=fmt(growth, 1))
        if self.rnd.random() < 0.5:
            return f"全区{name}{fmt(self.rnd.uniform(20, 900), 1)}亿元，{change}"
        return f"{name}{change}"

    def _ratio(self, item, frac, month):
        name, qty, verb = item.spec
        value = qty * (0.9 + 0.1 * min(frac * 12 / month, 1.3)) if verb == "达到" else qty * self.rnd.uniform(0.85, 1.1)
        return f"全区{name}{self.rnd.choice(('达到', '为', '达'))}{fmt(value, 1)}%"

    def _milestone(self, item, frac, month):
        project = item.spec[0]
        rnd = self.rnd
        if frac < 0.25:
            return f"{project}{rnd.choice(('可研已获批复，正在开展初步设计', '正在办理用地预审', '完成施工招标'))}"
        if frac < 0.45:
            started = max(1, month - rnd.randint(0, 2))
            return rnd.choice((f"{project}已于{started}月开工建设", f"{project}已于{started}月正式开工，完成投资{rnd.randint(300, 9000)}万元"))
        if frac < 0.95:
            return f"{project}主体施工完成{int(frac * 100)}%"
        if frac < 1.2:
            return f"{project}已于{month}月竣工验收，正在进行设备调试"
        return f"{project}已建成投用"

    def _qualitative(self, item, frac, month, topic=None):
        topic = topic or item.spec[0]
        rnd = self.rnd
        parts = rnd.sample(ACTIONS, rnd.randint(2, 4))
        return "，".join(p.format(x=topic, n=rnd.randint(2, 40), m=rnd.randint(50, 900)) for p in parts)


def workspace(seed: int, index: int, items: int = 250, indicators: int = 15) -> SynthWorkspace:
    w = Writer(seed, index)
    plan = [w.plan_item(i + 1, "indicator") for i in range(min(indicators, items))]
    plan += [w.plan_item(i + 1, "task") for i in range(items - len(plan))]
    progress = {p: {it.id: w.progress(it, int(p[5:])) for it in plan if w.rnd.random() > 0.01} for p in PERIODS}
    region = w.rnd.choice(PLACES) + w.rnd.choice(("县", "区", "市")) + f"{index:04d}"
    return SynthWorkspace(name=f"ws{index:04d}", region=region, year=2023, items=plan, progress=progress)


def layout(facts: int, items: int = 250, periods: int = len(PERIODS)) -> list[int]:
    """Item counts per workspace so that items × periods adds up to about `facts`."""
    per = items * periods
    full, rest = divmod(facts, per)
    sizes = [items] * full
    if rest:
        sizes.append(max(1, -(-rest // periods)))
    return sizes

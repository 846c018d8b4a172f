#!/usr/bin/env python3
"""A deterministic sitegen site of N Chinese community notices, for build benchmarks.

Usage: python benchmarks/make_corpus.py -n 1000 --out DIR [--seed 20261120]

Writes DIR/content/site.yaml, DIR/content/communities/<slug>.yaml (five communities)
and DIR/content/notices/<date>-n<i>.md. Notice i depends only on (seed, i), so the
first 1,000 notices of a 10,000-notice corpus are the 1,000-notice corpus. A body has
about 1,000 Chinese characters: headings, a numbered or bulleted list, a table, bold
and italic, a link to an outside address and, for some, to an earlier notice. Dates
span the ten years to 2026-11-30 (so a few are scheduled after --now 2026-11-20);
some expire, a few are urgent or pinned, about one in five is for all communities.
Standard library only.
"""

from __future__ import annotations

import argparse
import random
import re
import shutil
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path


def words(text: str) -> list[str]:
    return text.split()


COMMUNITIES = dict(
    zip(
        words("longchi huashan baihua yinhua jinhua"),
        words("龙池 华山 百花 银华 金华"),
        strict=True,
    )
)
CATEGORIES = words("通知 公告 公示 活动 便民服务")
TAGS = words(
    "垃圾分类 停水 停电 消防安全 反诈宣传 为老服务 志愿服务 医保 养老保险 文化活动 "
    "健康讲座 就业 防汛 物业管理 停车 儿童 法律援助"
)
TOPICS = words(
    "开展垃圾分类入户宣传 组织65岁以上老人免费体检 临时停水检修 开展消防安全演练 "
    "招募社区志愿者 举办中秋邻里节 办理城乡居民医保缴费 开展反诈骗宣传进小区 "
    "做好汛期安全防范 选聘物业服务企业 规范小区停车秩序 延长社区书屋开放时间 "
    "举办健康知识讲座 提供免费法律咨询 更换老旧电梯 整治楼道堆放杂物"
)
PLACES = words(
    "社区党群服务中心 3号楼前广场 社区卫生服务站 二楼文化活动室 小区南门 "
    "居委会办公室 社区书屋 篮球场 1栋架空层 龙池公园东门广场"
)
WHO = words("社区居委会 物业服务中心 网格员 志愿服务队 业主委员会 社区卫生服务站 辖区派出所")
ACTS = words(
    "开展专项宣传 组织集中排查整治 提供上门登记服务 设置临时咨询点 发放宣传资料 "
    "进行入户走访 开放线上预约 安排专人现场答疑 对公共区域进行消杀 更新小区门禁系统"
)
ENDS = words(
    "请大家相互转告 敬请广大居民积极参与 给您带来的不便敬请谅解 欢迎居民踊跃报名 "
    "如有疑问请联系网格员 请提前做好准备 名额有限先到先得 感谢您的理解与支持 "
    "请携带本人身份证原件 具体安排以现场通知为准"
)
ASIDES = words(
    "老年人及行动不便的居民可由家属代为办理 本次活动不收取任何费用 "
    "请勿轻信陌生来电和短信中的转账要求 雨天活动改在室内进行 现场提供茶水和休息座椅"
)
SURNAMES = "王李张刘陈杨黄赵吴周谭许龚"
CJK = re.compile(r"[\u4e00-\u9fff]")
START = date(2016, 12, 1)
DAYS = (date(2026, 12, 1) - START).days  # the ten years to 2026-11-30


@dataclass
class Meta:
    """Front matter of one notice, and its file name."""

    i: int
    when: datetime
    name: str
    title: str
    front: str


def meta(seed: int, i: int) -> Meta:
    """Notice i's front matter (its own random stream, so links can look it up cheaply)."""
    r = random.Random(f"{seed}:{i}:meta")
    day = START + timedelta(days=r.randrange(DAYS))
    timed = r.random() < 0.6
    when = datetime.combine(day, time(r.randint(8, 17), r.choice([0, 30])) if timed else time())
    slugs = ["all"] if r.random() < 0.2 else r.sample(list(COMMUNITIES), r.randint(1, 2))
    who = "、".join(COMMUNITIES[s] for s in slugs) + "社区" if slugs != ["all"] else "全县各社区"
    category = r.choice(CATEGORIES)
    title = f"{who}关于{r.choice(TOPICS)}的{category if category != '活动' else '活动通知'}"
    urgent, pinned = r.random() < 0.02, r.random() < 0.01
    lines = [f"title: {title}", f"date: {when:%Y-%m-%d %H:%M}" if timed else f"date: {day}"]
    if urgent or pinned or r.random() < 0.4:
        lines.append(f"expires: {day + timedelta(days=r.randint(3, 60))}")
    lines.append("communities: all" if slugs == ["all"] else f"communities: [{', '.join(slugs)}]")
    lines.append(f"category: {category}")
    lines.append(f"tags: [{', '.join(r.sample(TAGS, r.randint(0, 3)))}]")
    lines += ["urgent: true"] * urgent + ["pinned: true"] * pinned
    if len(slugs) == 1 and slugs != ["all"] and r.random() < 0.5:
        lines.append(f"issuer: {COMMUNITIES[slugs[0]]}社区居民委员会")
    front = "---\n" + "\n".join(lines) + "\n---\n"
    return Meta(i, when, f"{day}-n{i:05d}.md", title, front)


def sentence(r: random.Random) -> str:
    text = r.choice(WHO) + r.choice(["将于近期", "定于本周六", "按照上级部署", "经研究决定"])
    text += r.choice(ACTS)
    if r.random() < 0.4:
        text += f"，时间为{r.randint(1, 12)}月{r.randint(1, 28)}日{r.randint(8, 10)}:00至{r.randint(11, 17)}:30"
    if r.random() < 0.3:
        text += "，地点在" + r.choice(PLACES)
    if r.random() < 0.2:
        text += "，" + r.choice(ASIDES)
    return text + "，" + r.choice(ENDS) + "。"


def body(seed: int, m: Meta) -> str:
    """Notice i's Markdown body: about 1,000 Chinese characters."""
    r = random.Random(f"{seed}:{m.i}:body")
    place, target = r.choice(PLACES), r.randint(800, 1200)
    out = ["各位居民朋友：", "", sentence(r) + sentence(r), "", "## 一、基本情况", ""]
    out += [
        f"**本次工作覆盖约{r.randint(300, 5000)}户**，{sentence(r)}*请各位居民留意本通知*，{sentence(r)}",
        "",
    ]
    out += ["## 二、具体安排", ""]
    numbered = r.random() < 0.5
    for k in range(1, r.randint(4, 7)):
        out.append(
            f"{f'{k}.' if numbered else '-'} {r.choice(WHO)}{r.choice(ACTS)}，{r.choice(ENDS)}。"
        )
    out += ["", "| 日期 | 地点 | 内容 | 联系人 |", "|---|---|---|---|"]
    for _ in range(r.randint(3, 5)):
        out.append(
            f"| {r.randint(1, 12)}月{r.randint(1, 28)}日 {r.randint(8, 19):02d}:00 | "
            f"{r.choice(PLACES)} | {r.choice(ACTS)} | {r.choice(SURNAMES)}老师 |"
        )
    out += ["", "## 三、注意事项", ""]
    while len(CJK.findall("".join(out))) < target - 80:
        out += ["".join(sentence(r) for _ in range(r.randint(2, 4))), ""]
    out.append(
        f"详情请访问[社区服务平台](https://example.org/notices/{m.i:05d})，"
        f"或到{place}咨询，电话 0739-{r.randint(82600000, 82699999)}。"
    )
    earlier = [j for j in r.sample(range(1, m.i), min(3, m.i - 1)) if meta(seed, j).when <= m.when]
    if earlier and r.random() < 0.5:
        other = meta(seed, earlier[0])
        out.append(f"另见[《{other.title}》]({other.name})。")
    return "\n".join([*out, "", f"{m.when.year}年{m.when.month}月{m.when.day}日", ""])


def community(k: int, name: str) -> str:
    return (
        f"name: {name}社区\nhouseholds: {1100 + 310 * k}\npopulation: {3300 + 870 * k}\n"
        f"area_km2: {1.2 + 0.5 * k:.1f}\noffice:\n  address: 清溪县城关镇{name}路{18 + k}号\n"
        f"  phone: 0739-826{k}2018\n  hours: 周一至周五 8:30-12:00，14:30-17:30\n"
        f"services:\n  - 城乡居民医保、养老保险参保缴费咨询\n  - 居住证明开具\n"
        f"boards:\n  - id: main\n    location: {name}社区服务中心门前\n    paper: A4\n    slots: 6\n"
        f"description: |\n  {name}社区位于清溪县城区，辖区内有老旧小区和安置小区，设四个网格。\n"
    )


MARK = "# made by benchmarks/make_corpus.py"
SITE = f"""{MARK}
title: 清溪县社区通知（基准测试）
description: 龙池、华山、百花、银华、金华五个社区的通知公告。
base_url: https://example.org/
language: zh-CN
timezone: Asia/Shanghai
issuer: 清溪县社区建设办公室
categories: [通知, 公告, 公示, 活动, 便民服务]
per_page: 10
"""


def write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8", newline="\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=1000, help="number of notices")
    parser.add_argument("--out", type=Path, required=True, help="the site folder (replaced)")
    parser.add_argument("--seed", type=int, default=20261120)
    args = parser.parse_args()
    content = args.out / "content"
    if (content / "site.yaml").exists() and MARK not in (content / "site.yaml").read_text("utf-8"):
        parser.error(f"{args.out} holds a site this script did not make; choose another --out")
    shutil.rmtree(content, ignore_errors=True)
    write(content / "site.yaml", SITE)
    for k, (slug, name) in enumerate(COMMUNITIES.items()):
        write(content / "communities" / f"{slug}.yaml", community(k, name))
    chars = 0
    for i in range(1, args.n + 1):
        m = meta(args.seed, i)
        text = body(args.seed, m)
        chars += len(CJK.findall(text))
        write(content / "notices" / m.name, m.front + "\n" + text)
    print(
        f"wrote {args.n} notices to {args.out} ({chars / max(args.n, 1):.0f} Chinese characters a body on average)"
    )


if __name__ == "__main__":
    main()

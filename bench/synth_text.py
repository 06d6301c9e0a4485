"""Synthetic plan *texts* for measuring the build: provincial Kế hoạch of any size, seeded.

Each document has what a real plan has — header, legal bases (căn cứ), running text naming
systems and how they connect, an appendix of tasks (Markdown table with group rows, lead and
cooperating agencies, deadlines, budgets, legal documents in rows) and one of KPI indicators —
and grows by adding task rows, so a 1 MB document is mostly table rows, as the longest real
appendices are. The content is invented; province and national documents are real names.

    python -m bench.synth_text --out /tmp/plans --documents 10 --kb 1000
"""

from __future__ import annotations

import argparse
import random
from pathlib import Path

from bench.synth import AGENCIES, INDICATORS, NATIONAL_DOCS, TASK_GROUPS, provinces

QUARTERS = ["I", "II", "III", "IV"]
SYSTEM_SENTENCES = [
    "Nền tảng tích hợp, chia sẻ dữ liệu (LGSP) tỉnh {p} kết nối với Nền tảng tích hợp, chia sẻ dữ liệu quốc gia (NDXP).",
    "Hệ thống thông tin giải quyết thủ tục hành chính tỉnh kết nối với Cổng Dịch vụ công quốc gia "
    "và khai thác dữ liệu từ Cơ sở dữ liệu quốc gia về dân cư.",
    "Hệ thống quản lý văn bản và điều hành tỉnh {p} kết nối với Trục liên thông văn bản quốc gia.",
]


def header(province: str, year: int, number: int, rng: random.Random) -> list[str]:
    bases = rng.sample([d for d in NATIONAL_DOCS if d.year <= year and d.type_code != "Luật"], 4)
    lines = [
        f"ỦY BAN NHÂN DÂN TỈNH {province.upper()}",
        "",
        f"Số: {number}/KH-UBND",
        "",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "",
        f"{province}, ngày {rng.randint(1, 28)} tháng {rng.randint(1, 3)} năm {year}",
        "",
        "KẾ HOẠCH",
        f"Chuyển đổi số tỉnh {province} năm {year}",
        "",
    ]
    for d in bases:
        kind = {"QĐ": "Quyết định", "NQ": "Nghị quyết", "NĐ": "Nghị định"}.get(d.type_code, "Quyết định")
        lines += [f"Căn cứ {kind} số {d.symbol} ngày {d.day:%d/%m/%Y} của {d.issuer} {d.title};", ""]
    lines += ["I. MỤC TIÊU", ""]
    lines += [f"{k}. {s.format(p=province)}" for k, s in enumerate(SYSTEM_SENTENCES, 1)]
    lines += ["", "II. TỔ CHỨC THỰC HIỆN", "", "Sở Thông tin và Truyền thông chủ trì theo dõi, đôn đốc thực hiện.", ""]
    return lines


def task_rows(province: str, year: int, n_rows: int, rng: random.Random) -> list[str]:
    lines = [
        "Phụ lục I",
        f"DANH MỤC NHIỆM VỤ CHUYỂN ĐỔI SỐ NĂM {year}",
        "",
        "| STT | Nhiệm vụ | Cơ quan chủ trì | Cơ quan phối hợp | Thời gian hoàn thành | Kinh phí (triệu đồng) |",
        "|---|---|---|---|---|---|",
    ]
    roman = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII"]
    k = 0
    while k < n_rows:
        g = (k // 25) % len(TASK_GROUPS)
        heading, titles = TASK_GROUPS[g]
        lines.append(f"| {roman[g]} | {heading} | | | | |")
        for n in range(1, 26):
            if k >= n_rows:
                break
            title = rng.choice(titles).format(y=year, p=province)
            basis = rng.choice([d for d in NATIONAL_DOCS if d.type_code == "QĐ"]).symbol
            lead, coop = rng.sample(AGENCIES, 2)
            amount = f"{rng.randint(1, 40)}.{rng.randint(0, 999):03d}"
            lines.append(
                f"| {n} | {title} (đợt {k + 1}, theo Quyết định số {basis}) | {lead} | {coop} | "
                f"Quý {rng.choice(QUARTERS)}/{year} | {amount} |"
            )
            k += 1
    return lines + [""]


def indicator_rows(year: int, rng: random.Random) -> list[str]:
    lines = [
        "Phụ lục II",
        f"CHỈ TIÊU CHUYỂN ĐỔI SỐ NĂM {year}",
        "",
        "| STT | Chỉ tiêu | Đơn vị tính | Chỉ tiêu giao | Cơ quan chủ trì | Cơ quan phối hợp |",
        "|---|---|---|---|---|---|",
    ]
    for i, (title, unit, _cmp) in enumerate(INDICATORS, 1):
        lead, coop = rng.sample(AGENCIES, 2)
        lines.append(f"| {i} | {title} | {unit} | Tối thiểu {rng.randint(10, 100)} | {lead} | {coop} |")
    return lines + [""]


def plan_text(province: str, year: int, size: int, seed: int = 0) -> str:
    """A plan of about ``size`` bytes (UTF-8), mostly task rows."""
    rng = random.Random(f"text:{province}:{year}:{seed}")
    head, tail = header(province, year, rng.randint(20, 300), rng), indicator_rows(year, rng)
    fixed = len("\n".join(head + tail).encode())
    row = len("\n".join(task_rows(province, year, 50, random.Random(0))).encode()) / 50
    n_rows = max(1, int((size - fixed) / row))
    return "\n".join(head + task_rows(province, year, n_rows, rng) + tail) + "\n"


def write_corpus(folder: str | Path, documents: int, size: int) -> list[Path]:
    """``documents`` plans of ``size`` bytes each, one per province (then per year)."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    names = provinces(63)
    out = []
    for k in range(documents):
        province, year = names[k % len(names)], 2025 - k // len(names)
        path = folder / f"plan-{k:04d}.txt"
        path.write_text(plan_text(province, year, size, k), encoding="utf-8")
        out.append(path)
    return out


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", required=True)
    ap.add_argument("--documents", type=int, default=1)
    ap.add_argument("--kb", type=int, default=1000, help="size of each document in kB")
    args = ap.parse_args(argv)
    paths = write_corpus(args.out, args.documents, args.kb * 1000)
    print(f"{len(paths)} documents, {sum(p.stat().st_size for p in paths) / 1e6:.1f} MB in {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

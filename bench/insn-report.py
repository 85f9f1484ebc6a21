#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""insn-report.py COUNTS TAP JSON: the instruction-count table of a
BENCH_INSN=1 run. COUNTS is bench/insnplugin.c's file ("M vcpu k0 u0 k1 u1
..." per marker), TAP the VM's output with the "INSN-MARK LABEL NS" lines
(same order) and "INSN-PKTS LABEL N RATE" lines. Per window: instructions
per forwarded packet on CPU1 (the forwarder's CPU) and on all CPUs, each
minus the idle windows' instructions per second times the window's length.
Prints the table on stdout, writes one JSON object to JSON."""
import json
import re
import sys

METHOD = ("guest instructions counted per vCPU by a QEMU TCG plugin "
          "(bench/insnplugin.c), per forwarded packet, idle rate x window "
          "length subtracted; CPU1 = the forwarder's CPU (RPS), all = CPU0 "
          "(sender) + CPU1")


def main():
    counts_path, tap_path, json_path = sys.argv[1:4]
    snaps, prof = [], []	# prof[i]: {vaddr: insns on vCPU1} since mark i-1
    for line in open(counts_path):
        f = line.split()
        if f and f[0] == "M":
            snaps.append([int(x) for x in f[2:]])
            prof.append({})
        elif f and f[0] == "X":
            prof.append({})	# blocks after the last marker: not a window
        elif f and f[0] == "P" and prof:
            prof[-1][int(f[1], 16)] = prof[-1].get(int(f[1], 16), 0) + int(f[3])
    marks, pkts, rates, extra, ksyms = [], {}, {}, {}, []
    for line in open(tap_path, errors="replace"):
        m = re.match(r"\s*INSN-KSYM ([0-9a-f]+) (\S+)", line)
        if m:
            ksyms.append((int(m.group(1), 16), m.group(2)))
            continue
        m = re.match(r"INSN-MARK (\S+) (\d+)", line)
        if m:
            marks.append((m.group(1), int(m.group(2))))
            continue
        m = re.match(r"INSN-PKTS (\S+) (\d+) (\d+)", line)
        if m:
            pkts[m.group(1)] = int(m.group(2))
            rates[m.group(1)] = int(m.group(3))
            continue
        m = re.match(r"INSN-(BINDLAT \d+|INSTALL|CONF) (.*)", line)
        if m:
            extra[m.group(1)] = m.group(2).strip()
    if len(snaps) != len(marks):
        sys.exit(f"insn-report: {len(snaps)} snapshots but {len(marks)} marks")
    at = {lab: (ns, v) for (lab, ns), v in zip(marks, snaps)}
    pidx = {lab: i for i, (lab, _) in enumerate(marks)}

    def window(lab):
        (t0, a), (t1, b) = at[lab + "/begin"], at[lab + "/end"]
        return (t1 - t0) / 1e9, [y - x for x, y in zip(a, b)]

    # Idle: instructions per second per counter, over all idle windows.
    isecs, isum = 0.0, None
    for lab, _ in marks:
        if lab.startswith("idle") and lab.endswith("/begin"):
            secs, d = window(lab[:-6])
            isecs += secs
            isum = d if isum is None else [x + y for x, y in zip(isum, d)]
    idle = [x / isecs for x in isum]
    ncpu = len(idle) // 2

    res = {}
    for lab, n in pkts.items():
        if lab + "/begin" not in at or n <= 0:
            continue
        secs, d = window(lab)
        net = [x - r * secs for x, r in zip(d, idle)]
        res[lab] = {
            "pkts": n, "offered_pps": rates[lab], "seconds": round(secs, 3),
            "cpu1_kernel": round(net[2] / n), "cpu1_user": round(net[3] / n),
            "cpu1_total": round((net[2] + net[3]) / n),
            "all_total": round(sum(net) / n),
        }
    out = {"method": METHOD, "idle_per_s": [round(x) for x in idle],
           "cpus": ncpu, "windows": res, "ratios": {}}
    print("# method: " + METHOD)
    print("# idle instructions/s: " + ", ".join(
        f"CPU{i} kernel {idle[2 * i]:,.0f} user {idle[2 * i + 1]:,.0f}" for i in range(ncpu)))
    print(f"{'window':34} {'pkts':>8} {'cpu1 kern':>9} {'cpu1 user':>9} "
          f"{'cpu1 total':>10} {'all total':>9}")
    for lab, r in res.items():
        if lab == "install":
            continue
        print(f"{lab:34} {r['pkts']:>8} {r['cpu1_kernel']:>9} {r['cpu1_user']:>9} "
              f"{r['cpu1_total']:>10} {r['all_total']:>9}")
    print("# ratios of cpu1 total: kernel relay / ip_forward, userspace / kernel relay")
    for lab, r in res.items():
        m = re.match(r"kernel/(\d+)/(\w+)/(\d+)$", lab)
        if not m:
            continue
        rest = "/".join(m.groups())
        f, u = res.get("ip_forward/" + rest), res.get("userspace/" + rest)
        if not f or not u:
            continue
        kf = r["cpu1_total"] / f["cpu1_total"]
        uk = u["cpu1_total"] / r["cpu1_total"]
        out["ratios"][rest] = {"kernel_per_ip_forward": round(kf, 3),
                               "userspace_per_kernel": round(uk, 3)}
        print(f"  {rest:22} kernel/ip_forward {kf:.2f}   userspace/kernel {uk:.2f}")
    for lab, r in res.items():
        m = re.match(r"ip_forward_hooked/(.+)$", lab)
        f = res.get("ip_forward/" + m.group(1)) if m else None
        if f:
            d = r["cpu1_total"] - f["cpu1_total"]
            out["ratios"]["hooks_on_forwarded_udp_" + m.group(1)] = d
            print(f"  the relay's hooks on a relay host's other forwarded UDP ({m.group(1)}):"
                  f" {d:+d} per packet (ip_forward with a relay socket attached, minus without)")
    # Best load of the userspace relay: least instructions per packet
    # among the rxcsum windows that forwarded >= 95 % of what was offered.
    m = re.search(r"secs (\d+)", extra.get("CONF", ""))
    wsecs = int(m.group(1)) if m else 0
    for size in ("64", "1200"):
        best = None
        for lab, r in res.items():
            m = re.match(rf"userspace/{size}/rxcsum/(\d+)$", lab)
            if m and r["pkts"] >= 0.95 * r["offered_pps"] * wsecs:
                if best is None or r["cpu1_total"] < res[best]["cpu1_total"]:
                    best = lab
        if best:
            rest = best.split("/", 1)[1]
            out["ratios"]["userspace_best_" + size] = dict(
                out["ratios"].get(rest, {}), load_pps=int(rest.rsplit("/", 1)[1]))
            print(f"  userspace relay's best load at {size} B: {rest.rsplit('/', 1)[1]} pps"
                  f" (least instructions per packet, >= 95 % forwarded)")
    tbl = {lab: r for lab, r in res.items() if lab.startswith("table/")}
    for lab, r in tbl.items():
        m = re.match(r"table/1k-of-(\d+)/(\d+)$", lab)
        if m and m.group(1) != "1000":
            small = tbl.get(f"table/1k-of-1k/{m.group(2)}")
            if small:
                q = r["cpu1_total"] / small["cpu1_total"]
                qa = r["all_total"] / small["all_total"]
                out["ratios"][f"installed_{m.group(1)}_per_1000_at_{m.group(2)}"] = {
                    "cpu1": round(q, 3), "all": round(qa, 3)}
                print(f"  1000 active among {m.group(1)} / among 1000 installed at {m.group(2)} pps:"
                      f" {q:.2f} (CPU1), {qa:.2f} (all CPUs: the expiry worker runs anywhere)")
    if "install" in res:
        secs, d = window("install")
        n = pkts["install"]
        net = [x - r * secs for x, r in zip(d, idle)]
        ins = {"sessions": n, "kernel_per_session": round(sum(net[0::2]) / n),
               "user_per_session": round(sum(net[1::2]) / n),
               "total_per_session": round(sum(net) / n)}
        if "INSTALL" in extra:
            try:
                ins["wallclock"] = json.loads(extra["INSTALL"])
            except ValueError:
                pass
        out["install"] = ins
        print(f"install of {n} sessions, all CPUs: {ins['total_per_session']} instructions "
              f"per session (kernel {ins['kernel_per_session']}, user {ins['user_per_session']}); "
              f"wall clock (TCG, secondary): {extra.get('INSTALL', '?')}")
    for k, v in extra.items():
        if k.startswith("BINDLAT"):
            n = k.split()[1]
            try:
                out[f"bind_latency_{n}_installed"] = json.loads(v)
            except ValueError:
                out[f"bind_latency_{n}_installed"] = v
            print(f"bind latency with {n} installed (wall clock under TCG): {v}")
    if ksyms and any(prof):
        out["profile"] = profile(ksyms, prof, pidx, pkts)
    with open(json_path, "w") as f:
        json.dump(out, f, sort_keys=True)
        f.write("\n")


def profile(ksyms, prof, pidx, pkts):
    """Per-symbol instructions per packet on CPU1 of a few windows, and
    where the kernel relay's extra instructions over ip_forward go."""
    import bisect
    ksyms.sort()
    addrs = [a for a, _ in ksyms]

    def sym(va):
        if va < 0xffff800000000000:
            return "[user]"
        i = bisect.bisect_right(addrs, va) - 1
        return ksyms[i][1] if i >= 0 else "?"

    def per_sym(lab):
        i = pidx.get(lab + "/end")
        if i is None or not pkts.get(lab):
            return {}
        agg = {}
        for va, n in prof[i].items():
            k = sym(va)
            agg[k] = agg.get(k, 0) + n
        return {k: v / pkts[lab] for k, v in agg.items()}

    res = {}
    for size in ("64", "1200"):
        base = f"/{size}/rxcsum/4000"
        f, k, u = (per_sym(x + base) for x in ("ip_forward", "kernel", "userspace"))
        if not f or not k:
            continue
        print(f"# per-function profile, CPU1, {size} B rxcsum at 4000 pps (instructions per packet,"
              f" idle not subtracted; a block counts for the function it starts in)")
        print(f"  {'symbol':40} {'kernel relay':>12} {'ip_forward':>10} {'extra':>8}")
        keys = sorted(set(f) | set(k), key=lambda x: -(k.get(x, 0) - f.get(x, 0)))
        rows = []
        for x in keys:
            d = k.get(x, 0) - f.get(x, 0)
            if abs(d) >= 15:
                rows.append({"symbol": x, "kernel": round(k.get(x, 0)), "ip_forward":
                             round(f.get(x, 0)), "extra": round(d)})
                print(f"  {x:40} {k.get(x, 0):>12.0f} {f.get(x, 0):>10.0f} {d:>8.0f}")
        print(f"  {'total':40} {sum(k.values()):>12.0f} {sum(f.values()):>10.0f}"
              f" {sum(k.values()) - sum(f.values()):>8.0f}")
        res[f"kernel_vs_ip_forward_{size}"] = rows
        if u:
            top = sorted(u.items(), key=lambda kv: -kv[1])[:12]
            res[f"userspace_top_{size}"] = [{"symbol": a, "insns": round(b)} for a, b in top]
    for lab in pidx:
        m = re.match(r"(table/1k-of-(\d+)/\d+)/end$", lab)
        if m and m.group(2) != "1000":
            top = sorted(per_sym(m.group(1)).items(), key=lambda kv: -kv[1])[:8]
            res["top_" + m.group(1)] = [{"symbol": a, "insns": round(b)} for a, b in top]
            print(f"# top functions, CPU1, {m.group(1)}: " +
                  ", ".join(f"{a} {b:.0f}" for a, b in top))
    return res


if __name__ == "__main__":
    main()

"""Virtual disks: fio in a domU against a virtio disk, the same jobs in dom0 on its image
file, as ratios; the device model's memory per domU (docs/device-model.md, "Benchmarks").

One boot of build/xenolith-check.iso (made by ./make-iso.sh check if missing) under the
hypervisor, -smp 2 -m 1024, under QEMU's software emulation, with two more QEMU disks:

- build/bench-fio.img, an ext4 image made here with mke2fs -d: the host's fio (Debian's
  package fio, scripts/host-packages), its loader and library closure (ldd), one job
  file per job and run-fio, which runs a job through the image's own loader and prints
  `RESULT-fio-JOB;read KiB/s;read IOPS;write KiB/s;write IOPS`. dom0 mounts it read-only
  and hands it, read-only, to the domU as its second disk: the CD carries no fio.
- a scratch disk that dom0 formats; the image the jobs use, IMAGE_MIB of zeros written
  (not sparse, so that reads read), lives on it.

Every job runs with direct I/O (O_DIRECT, libaio), so that neither kernel's page cache
answers: first in dom0 on the image file, then in the demo guest (DOMU_MIB, 1 vCPU) on
/dev/vda, a `file:` disk of the same image served by xenolith-dm, then on a qcow2 image
of the same size, every cluster written (`tap:qcow2:`, served through qemu-nbd). The
device model reads and writes the raw image with O_DIRECT where it can (aligned requests,
guest RAM with struct pages in dom0), else through dom0's page cache (it says which);
qemu-nbd through the page cache: dom0's page cache is dropped before every job, and the
write jobs end with an fsync (end_fsync, counted in their time), so that the domU's
figures are those of data on dom0's disk. Each job runs RUNTIME seconds; the figures are ratios within one
run (absolute figures under TCG say little). After the I/O, the device model's VmRSS.
Around the sequential read job, dom0's and the guest's VM exits (the hypervisor's debug key
e) over the requests the disk completed: what one request costs in exits either way. A
guest's job is typed into its console and left alone while it runs (nothing polls the
console meanwhile), as dom0's jobs are.
"""
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

from benchlib import MENU_XENOLITH, TOP, Machine, build_path, figure
from guests import DEMO, check, create, guest_shell, type_into, wait_booted

RUNTIME = 4
IMAGE_MIB = 256
DOMU_MIB = 256
QUIET = RUNTIME + 10	# seconds a guest's job is left alone before its result is fetched
FIO_IMG = build_path("bench-fio.img")
IMAGE = "/bench/disk.img"
QCOW2 = "/bench/disk.qcow2"
FIO_DIR = "/mnt/fio"
COMMON = f"ioengine=libaio\ndirect=1\ntime_based=1\nruntime={RUNTIME}\n"
# name: (what, fio options, the figure: read or write, bw (MB/s) or iops)
JOBS = {
    "seqread": ("sequential read, 1 MiB blocks, depth 4", "rw=read\nbs=1M\niodepth=4\n",
                "read", "bw"),
    "seqwrite": ("sequential write, 1 MiB blocks, depth 4", "rw=write\nbs=1M\niodepth=4\n"
                 "end_fsync=1\n", "write", "bw"),
    "randread": ("4 KiB random read, depth 8", "rw=randread\nbs=4k\niodepth=8\n", "read", "iops"),
    "randwrite": ("4 KiB random write, depth 8", "rw=randwrite\nbs=4k\niodepth=8\nend_fsync=1\n",
                  "write", "iops"),
}
RUN_FIO = """#!/bin/sh
# run-fio TARGET JOB: fio's job JOB on TARGET through this image's loader and libraries;
# one line RESULT-fio-JOB;read KiB/s;read IOPS;write KiB/s;write IOPS.
d=$(dirname "$0")
"$d/lib/ld-linux-x86-64.so.2" --library-path "$d/lib" "$d/bin/fio" --minimal \\
	--filename="$1" "$d/jobs/$2.fio" >/tmp/fio.out 2>&1 || { cat /tmp/fio.out; exit 1; }
cut -d';' -f3,7,8,48,49 /tmp/fio.out | sed 's/^/RESULT-fio-/'
"""
VCPU_EXITS = re.compile(r"(\S+)\.v\d+: (\d+) exits")
EXITS_JOB = "seqread"	# the job whose VM exits per request are counted
RESULT = re.compile(r"RESULT-fio-(\w+);(\d+);(\d+);(\d+);(\d+)")
LOADER = re.compile(r"^\s*(/\S*ld-linux\S*) \(0x")
LIBRARY = re.compile(r"=> (/\S+) \(0x")


def fio_closure(fio):
    """fio's shared libraries (ldd) and its loader: (loader path, [library paths])."""
    out = subprocess.run(["ldd", fio], check=True, capture_output=True, text=True).stdout
    loader = [LOADER.match(line).group(1) for line in out.splitlines() if LOADER.match(line)]
    libs = LIBRARY.findall(out)
    if not loader or "not found" in out:
        sys.exit(f"bench_disks: ldd {fio}: no loader, or a library not found:\n{out}")
    return loader[0], libs


def make_fio_image():
    """build/bench-fio.img: fio, its libraries and loader, the jobs and run-fio, in ext4."""
    fio = shutil.which("fio")
    if not fio:
        sys.exit("bench_disks: no fio on this host (Debian package fio): run scripts/deps.sh")
    loader, libs = fio_closure(fio)
    stage = tempfile.mkdtemp(prefix="xenolith-bench-fio-")
    try:
        for d in ("bin", "lib", "jobs"):
            os.mkdir(os.path.join(stage, d))
        shutil.copy(fio, os.path.join(stage, "bin", "fio"))
        for lib in libs:
            shutil.copy(lib, os.path.join(stage, "lib", os.path.basename(lib)))
        shutil.copy(loader, os.path.join(stage, "lib", "ld-linux-x86-64.so.2"))
        for name, (_, options, _, _) in JOBS.items():
            with open(os.path.join(stage, "jobs", name + ".fio"), "w", encoding="utf-8") as f:
                f.write(f"[{name}]\n{COMMON}{options}")
        with open(os.path.join(stage, "run-fio"), "w", encoding="utf-8") as f:
            f.write(RUN_FIO)
        os.chmod(os.path.join(stage, "run-fio"), 0o755)
        used = int(subprocess.run(["du", "-sm", stage], check=True, capture_output=True,
                                  text=True).stdout.split()[0])
        with open(FIO_IMG, "wb") as f:
            f.truncate((used + used // 4 + 16) << 20)
        subprocess.run(["mke2fs", "-q", "-F", "-t", "ext4", "-L", "fio", "-d", stage, FIO_IMG],
                       check=True)
    finally:
        shutil.rmtree(stage)


def job_figures(results, name):
    """{job: value} of RESULTS' lines: MB/s or IOPS, as JOBS says."""
    got = {}
    for job, rbw, riops, wbw, wiops in RESULT.findall(results):
        _, _, ddir, kind = JOBS[job]
        kib, iops = (int(rbw), int(riops)) if ddir == "read" else (int(wbw), int(wiops))
        got[job] = kib * 1024 / 1e6 if kind == "bw" else iops
    missing = [j for j in JOBS if j not in got]
    if missing:
        sys.exit(f"bench_disks: {name}: no result for {', '.join(missing)}:\n{results}")
    return got


def drop_caches(m):
    """dom0's page cache emptied (the device model's reads would find it)."""
    check(m, "sync && echo 3 >/proc/sys/vm/drop_caches")


def vm_exits(m):
    """{domain: VM exits of all its vCPUs so far}, from the hypervisor's debug key e."""
    m.send("\x01\x01\x01")
    m.expect(r"input now goes to Xenolith", 60)
    start = len(m.transcript())
    m.send("e")
    time.sleep(2)
    m.send("\x01\x01\x01")
    m.expect(r"goes to dom0; press Ctrl-A three times to switch\r*\n", 60)
    got = {}
    for dom, n in VCPU_EXITS.findall(m.transcript()[start:]):
        got[dom] = got.get(dom, 0) + int(n)
    return got


def exits_per_request(before, after, requests):
    """{domain: VM exits per request} between two vm_exits() snapshots."""
    return {d: (after[d] - before.get(d, 0)) / max(requests, 1) for d in after}


def dom0_reads(m, disk):
    """Reads completed so far by dom0's block device DISK."""
    return int(check(m, f"cut -c1-8 /sys/block/{disk}/stat").split()[-1])


def dom0_jobs(m):
    """Every job in dom0 on IMAGE; with EXITS_JOB's VM exits per request of dom0's disk."""
    out = ""
    disk = check(m, "basename $(findmnt -no SOURCE /bench)")
    for job in JOBS:
        drop_caches(m)
        if job == EXITS_JOB:
            reads, before = dom0_reads(m, disk), vm_exits(m)
        out += check(m, f"{FIO_DIR}/run-fio {IMAGE} {job}", 600) + "\n"
        if job == EXITS_JOB:
            after = vm_exits(m)
            reads = dom0_reads(m, disk) - reads
    got = job_figures(out, "dom0")
    got["exits"] = exits_per_request(before, after, reads)
    return got


def uptimes(m, name):
    """(the guest's uptime, dom0's uptime), seconds, read one after the other."""
    text = guest_shell(m, name, "echo RESULT-uptime-$(cut -d. -f1 /proc/uptime)")
    guest = int(re.findall(r"RESULT-uptime-(\d+)", text)[-1])
    return guest, float(check(m, "cut -d' ' -f1 /proc/uptime"))


def start_guest_job(m, name, job):
    """Type fio's JOB on /dev/vda into guest NAME's shell. The caller then leaves the guest
    alone for QUIET seconds: nothing looks at its console while the job runs, since each
    look costs dom0 (the emulated serial line, `xenoctl console`'s hypercalls) CPU time
    that dom0's own jobs do not pay."""
    type_into(m, name, f"rm -f /tmp/fio.done; /fio/run-fio /dev/vda {job} >/tmp/fio.res 2>&1; "
                       "echo $? >/tmp/fio.done")


def guest_job_result(m, name):
    """The console text with the RESULT line of the job start_guest_job() typed, once it ended."""
    return guest_shell(m, name, "i=0; while [ ! -e /tmp/fio.done ] && [ $i -lt 600 ]; do sleep 1; "
                                "i=$((i+1)); done; cat /tmp/fio.res; test \"$(cat /tmp/fio.done)\" = 0",
                       900)


def guest_reads(m, name):
    """Reads completed so far by guest NAME's /dev/vda."""
    text = guest_shell(m, name, "set -- $(cat /sys/block/vda/stat); echo RESULT-reads-$1")
    return int(re.findall(r"RESULT-reads-(\d+)", text)[-1])


def domu_jobs(m, name, spec):
    """Every job in the demo guest NAME with /dev/vda on SPEC and the fio image on
    /dev/vdb; then the device model's memory; the guest is destroyed after."""
    create(m, DEMO, f"name={name}", f"memory={DOMU_MIB}",
           f"'disk=[ \"{spec},xvda,w\", \"phy:/dev/vda,xvdb,r\" ]'")
    wait_booted(m, name)
    guest_shell(m, name, "mkdir -p /fio && mount -o ro -t ext4 /dev/vdb /fio", 300)
    clocks = [uptimes(m, name)]
    out = ""
    for job in JOBS:
        drop_caches(m)
        if job == EXITS_JOB:
            reads, before = guest_reads(m, name), vm_exits(m)
        start_guest_job(m, name, job)
        time.sleep(QUIET)
        if job == EXITS_JOB:
            after = vm_exits(m)
        out += guest_job_result(m, name) + "\n"
        if job == EXITS_JOB:
            reads = guest_reads(m, name) - reads
    got = job_figures(out, name)
    got["exits"] = exits_per_request(before, after, reads)
    clocks.append(uptimes(m, name))
    got["clock"] = (clocks[1][0] - clocks[0][0]) / (clocks[1][1] - clocks[0][1])
    pid = check(m, "pgrep -f 'xenolith-dm --domid'")
    memory = dict(re.findall(r"(\w+):\s+(\d+) kB",
                             check(m, f"grep -e VmRSS -e RssAnon -e RssFile /proc/{pid}/status")))
    memory["largest"] = check(m, f"awk '/^[0-9a-f]+-/ {{ n = $6 ? $6 : \"[anon]\" }} "
                                 f"/^Rss:/ {{ rss[n] += $2 }} END {{ for (n in rss) print rss[n], n }}' "
                                 f"/proc/{pid}/smaps | sort -rn | head -n 6")
    memory["refused"] = check(m, f"grep -h 'direct I/O refused' /run/xenolith/{name}.dm.log "
                                 "|| true")
    check(m, f"xenoctl destroy {name}")
    return got, memory


def job_figure(job, label, value):
    """One job's figure: MB/s with a decimal, or IOPS."""
    what, _, _, kind = JOBS[job]
    if kind == "bw":
        figure(f"{what}, {label}", f"{value:.1f}", "MB/s")
    else:
        figure(f"{what}, {label}", value, "IOPS")


def compare(label, dom0, domu):
    """The domU's figures, and its ratios to dom0's, job by job: as fio measured them (by
    the guest's clock), and by dom0's clock (times the clock's rate, clock_figure())."""
    for job, (what, _, _, kind) in JOBS.items():
        job_figure(job, label, domu[job])
        target = " (target at least 0.8)" if kind == "bw" else ""
        for how, scale in (("", 1), (", by dom0's clock", domu["clock"])):
            figure(f"{what}, {label} / dom0{how}{target}",
                   f"{domu[job] * scale / dom0[job]:.2f}" if dom0[job] else "none (dom0 did 0)",
                   "")


def exits_figure(label, domain, got):
    """VM exits per request of EXITS_JOB, by domain."""
    figure(f"VM exits per request, {JOBS[EXITS_JOB][0]}, {label}",
           ", ".join(f"{d} {n:.0f}" for d, n in sorted(got["exits"].items()) if d in domain), "")


def clock_figure(label, domu):
    """How fast the guest's clock ran against dom0's over its jobs: fio times by the
    guest's clock, so its figures are only comparable while this is near 1 (or as
    compare() scales them)."""
    figure(f"the guest's clock over dom0's during the jobs, {label}", f"{domu['clock']:.2f}", "")


def memory_figures(label, mem):
    """VmRSS of the device model and its anonymous and file-backed parts."""
    figure(f"xenolith-dm VmRSS per domU, {label}, after the I/O (target under 4 MiB; "
           "Firecracker's VMM: under 5 MiB)", mem.get("VmRSS", "none"), "KiB")
    figure(f"xenolith-dm RssAnon / RssFile, {label}",
           f"{mem.get('RssAnon', '?')} / {mem.get('RssFile', '?')}", "KiB")
    figure(f"xenolith-dm's largest mappings by RSS (KiB), {label}",
           ", ".join(mem["largest"].splitlines()), "")


def direct_figure(m, mem):
    """How the device model moved the raw image's data: direct I/O (dom0's disk DMAs into
    the guest's pages, which dom0's module gave struct pages) or dom0's page cache."""
    pages = check(m, "dmesg | grep -o 'xenolith: .*hidden RAM.*' | tail -n 1")
    how = ("dom0's page cache: " + mem["refused"]) if mem["refused"] else "O_DIRECT (no refusal in its log)"
    figure("xenolith-dm's I/O on the raw image", how, "")
    figure("dom0's module", pages or "no line about the hidden RAM", "")


def main():
    iso = build_path("xenolith-check.iso")
    if not os.path.exists(iso):
        subprocess.run(["./make-iso.sh", "check"], cwd=TOP, check=True, stdout=subprocess.DEVNULL)
    make_fio_image()
    scratch_dir = tempfile.mkdtemp(prefix="xenolith-bench-disks-")
    scratch = os.path.join(scratch_dir, "scratch.img")
    with open(scratch, "wb") as f:
        f.truncate((2 * IMAGE_MIB + 256) << 20)	# sparse
    try:
        with Machine("bench-disks", cdrom=iso, disks=[FIO_IMG, scratch], smp=2,
                     memory=1024) as m:
            m.grub_select(MENU_XENOLITH)
            m.login(timeout=900)
            m.run("systemctl is-system-running --wait", timeout=600)
            check(m, f"mkdir -p {FIO_DIR} /bench && mount -o ro /dev/vda {FIO_DIR} && "
                     "mkfs.ext4 -q /dev/vdb && mount /dev/vdb /bench")
            check(m, f"dd if=/dev/zero of={IMAGE} bs=1M count={IMAGE_MIB} oflag=direct "
                     "2>/dev/null", 900)
            dom0 = dom0_jobs(m)
            for job in JOBS:
                job_figure(job, "dom0 on the image file", dom0[job])
            exits_figure("dom0's job", ("dom0",), dom0)
            raw, raw_mem = domu_jobs(m, "fioraw", f"file:{IMAGE}")
            compare("domU on a raw file", dom0, raw)
            exits_figure("the guest's job on a raw file", ("dom0", "fioraw"), raw)
            clock_figure("domU on a raw file", raw)
            memory_figures("one raw disk (and the fio disk)", raw_mem)
            direct_figure(m, raw_mem)
            check(m, f"qemu-img create -q -f qcow2 -o preallocation=full {QCOW2} {IMAGE_MIB}M", 900)
            qcow2, qcow2_mem = domu_jobs(m, "fioqcow2", f"tap:qcow2:{QCOW2}")
            compare("domU on a qcow2 image (qemu-nbd)", dom0, qcow2)
            clock_figure("domU on a qcow2 image", qcow2)
            memory_figures("one qcow2 disk (qemu-nbd apart) and the fio disk", qcow2_mem)
    finally:
        shutil.rmtree(scratch_dir)


if __name__ == "__main__":
    main()

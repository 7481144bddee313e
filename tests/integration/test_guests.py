"""Guests (domUs) made with xenoctl on the CD under the hypervisor: two boot and
print their markers, `list` shows them, the console takes input and gives it
back, a guest's EOIs go through KVM's PV EOI, pause freezes a domain's CPU
time, destroy returns its memory, the on_poweroff/on_reboot actions,
`create -w`, `shutdown -w`, `reboot`, `rename`, and 50 create/destroy cycles
that leak nothing.

One machine (-smp 2, 1 GiB) is booted for the whole file; each test destroys
the domains it made. Bad input is in test_guest_errors.py.
"""
import re
import time

import pexpect

from guests import (DEMO, GUEST_PROMPT, check, console_text, console_wait, create, dom0_fixtures,
                    domains_json, domu_names, free_memory, guest_shell, run, table, type_into,
                    wait_booted, wait_until)
from qemu import PROMPT

m, clean = dom0_fixtures("guests")


def gone(m, name):
    """Predicate for wait_until: NAME is not in `xenoctl list`."""
    def absent():
        doms = table(m)
        return name not in doms, check(m, "xenoctl list")
    return absent


def test_two_guests_boot_list_console_destroy(m):
    free_before = free_memory(m)
    # The demo boots the ELF vmlinux (PVH entry); vm2 the same kernel's bzImage.
    id1 = create(m)
    id2 = create(m, DEMO, "name=vm2", "vcpus=2", "kernel=/usr/lib/xenolith/guest/vmlinuz")
    assert id1 != id2 and id1 > 0 and id2 > 0, f"expected two new non-zero ids, saw {id1}, {id2}"

    # Both boot, each seeing its own vCPUs and memory.
    for name, cpus in (("demo", 1), ("vm2", 2)):
        marker = wait_booted(m, name)
        assert int(marker.group(2)) == cpus, \
            f"{name}: expected the marker to say {cpus} CPUs, saw {marker.group(0)!r}"
        assert 64 <= int(marker.group(3)) <= 128, \
            f"{name}: expected about 128 MiB in the marker, saw {marker.group(0)!r}"

    # Without disks or vifs a guest has no device model, and so no GPE block in
    # its FADT: one that read all ones would fill a quiet console with
    # "ACPI Error: No handler or method for GPE" (docs/guest-platform.md).
    errors = check(m, "(timeout 3 xenoctl console demo </dev/null 2>&1; true) | tr -d '\\r' "
                      "| grep -a 'ACPI Error' || true")
    assert not errors, f"demo's console shows ACPI errors:\n{errors}"

    doms = table(m)
    listing = check(m, "xenoctl list")
    assert set(doms) == {"Domain-0", "demo", "vm2"}, \
        f"expected Domain-0, demo and vm2 in `xenoctl list`, saw:\n{listing}"
    assert list(doms)[0] == "Domain-0" and doms["Domain-0"]["id"] == 0, \
        f"expected Domain-0 (id 0) first, saw:\n{listing}"
    for name, domid, vcpus in (("demo", id1, 1), ("vm2", id2, 2)):
        d = doms[name]
        assert (d["id"], d["mem"], d["vcpus"]) == (domid, 128, vcpus), \
            f"{name}: expected id {domid}, 128 MiB, {vcpus} vCPUs, saw:\n{listing}"
        assert d["state"] in ("r-----", "-b----", "------"), \
            f"{name}: expected running, blocked or waiting for a CPU, saw {d['state']!r}:\n{listing}"
    assert free_memory(m) <= free_before - 256, \
        f"expected free_memory to drop by at least 256 MiB from {free_before}, saw {free_memory(m)}"

    # Console in and out, on the dom0 serial line itself, then Ctrl-] back to dom0.
    m.send('xenoctl console vm2; echo "RC=$?"\n')
    m.expect(re.escape(GUEST_PROMPT), 120)
    time.sleep(1)
    m.send("echo $((6*7))\r")
    m.expect(r"\n42\r*\n", 60)
    m.expect(re.escape(GUEST_PROMPT), 60)
    m.send("\x1d")
    detached = m.child.expect([r"RC=(\d+)\r*\n", pexpect.TIMEOUT], timeout=30) == 0
    if not detached:
        m.send("\x1d")  # again, so that the other tests get dom0's shell back
        m.expect(r"RC=(\d+)\r*\n", 30)
    rc = int(m.child.match.group(1))
    m.expect(PROMPT, 60)
    assert detached, "expected `xenoctl console` to end at the first Ctrl-] (0x1d) typed, " \
        "it went on for 30 s (a second Ctrl-] ended it)"
    assert rc == 0, f"expected `xenoctl console` to exit 0 after Ctrl-], saw {rc}"
    assert check(m, "echo back") == "back", "dom0's shell is not usable after the console"

    # Destroy returns every page.
    check(m, "xenoctl destroy demo")
    check(m, f"xenoctl destroy {id2}")
    wait_until(m, "only Domain-0 in `xenoctl list`",
               lambda: (domu_names(m) == [], check(m, "xenoctl list")), 30)
    assert free_memory(m) == free_before, \
        f"expected free_memory back at {free_before} MiB after destroy, saw {free_memory(m)}"
    status, out = run(m, "ls /run/xenolith/demo.cfg /run/xenolith/vm2.cfg")
    assert status != 0, f"expected the saved configurations removed by destroy, saw:\n{out}"


def test_guest_eois_go_through_pv_eoi(m):
    """The demo guest's kernel finds KVM's CPUID block, enables PV EOI (debug
    key e counts its EOIs done through the flag) and x2APIC, its APIC then in
    physical mode (docs/interrupts.md)."""
    create(m)
    wait_booted(m, "demo")
    text = guest_shell(m, "demo",
                       'dmesg | grep -iE "kvm|x2apic|unchecked [M]SR" | sed "s/^/RESULT-dmesg /"')
    assert "Hypervisor detected: KVM" in text, f"expected the guest to detect KVM, saw:\n{text}"
    assert "x2apic enabled" in text and "Switched APIC routing to physical x2apic" in text, \
        f"expected the guest to use x2APIC in physical mode, saw:\n{text}"
    # (An RDMSR of 0xc0010055, AMD's erratum-400 check, is refused to domUs
    # on QEMU's AMD model whether or not KVM is found.)
    assert not re.search(r"unchecked MSR access error: \w+ (?:from|to) 0x4b564d", text), \
        f"the guest's MSR_KVM_PV_EOI_EN access was refused:\n{text}"
    m.send("\x01\x01\x01")
    m.expect(r"input now goes to Xenolith", 60)
    m.send("e")
    m.expect(r"demo\.v0: \d+ exits[^\n]*\n[^\n]*by reason:[^\n]*\n[^\n]*"
             r"pv eoi: (\w+), (\d+) EOIs through the guest's flag", 60)
    state, eois = m.child.match.group(1), int(m.child.match.group(2))
    m.send("\x01\x01\x01")
    m.expect(r"input now goes to dom0", 60)
    check(m, "xenoctl destroy demo")
    assert state == "on" and eois > 10, \
        f"expected PV EOI on in the guest with more than 10 EOIs through it, saw {state}, {eois}"


def test_pause_freezes_cpu_time_and_unpause_resumes(m):
    create(m, DEMO, "name=p1")
    wait_booted(m, "p1")
    type_into(m, "p1", "while :; do :; done &")

    def cpu_ns():
        return domains_json(m)["p1"]["cpu_time_ns"]

    t0 = cpu_ns()
    time.sleep(3)
    t1 = cpu_ns()
    assert t1 > t0, f"expected a busy guest's cpu_time_ns to grow over 3 s, saw {t0} then {t1}"

    check(m, "xenoctl pause p1")
    before = table(m)["p1"]
    ns_before = cpu_ns()
    time.sleep(5)
    after = table(m)["p1"]
    ns_after = cpu_ns()
    assert "p" in before["state"] and "p" in after["state"], \
        f"expected state p while paused, saw {before['state']!r} then {after['state']!r}"
    assert before["time"] == after["time"] and ns_before == ns_after, \
        f"expected Time(s) frozen over 5 s of pause, saw {before['time']} ({ns_before} ns) " \
        f"then {after['time']} ({ns_after} ns)"

    check(m, "xenoctl unpause p1")
    time.sleep(3)
    resumed = table(m)["p1"]
    ns_resumed = cpu_ns()
    assert "p" not in resumed["state"], \
        f"expected state without p after unpause, saw {resumed['state']!r}"
    assert ns_resumed > ns_after, \
        f"expected cpu_time_ns to grow after unpause, saw {ns_after} then {ns_resumed}"
    out = console_wait(m, "p1", "RESULT=42", 60, "kill %1; echo RESULT=$((40+2))")
    assert "RESULT=42" in out, f"expected the unpaused guest to answer RESULT=42, saw:\n{out}"


def background_create_w(m, *args):
    """`xenoctl create ... -w` in the background; its status lands in /tmp/w.rc."""
    check(m, "rm -f /tmp/w.rc /tmp/w.out")
    check(m, f"( (xenoctl create {' '.join(args)} -w >/tmp/w.out 2>&1; "
            "echo $? >/tmp/w.rc) & )")


def wait_create_w(m, timeout=120):
    """The exit status and output of background_create_w's command, once it returned."""
    wait_until(m, "`xenoctl create -w` to return",
               lambda: (run(m, "test -s /tmp/w.rc")[0] == 0,
                        check(m, "cat /tmp/w.out; ps ax | grep '[x]enoctl' || true")), timeout)
    return int(check(m, "cat /tmp/w.rc")), check(m, "cat /tmp/w.out")


def test_create_w_returns_when_guest_powers_off(m):
    free_before = free_memory(m)
    background_create_w(m, DEMO, "name=w1")
    wait_until(m, "w1 in `xenoctl list`",
               lambda: ("w1" in table(m), check(m, "xenoctl list; cat /tmp/w.out")), 60)
    wait_booted(m, "w1")
    type_into(m, "w1", "poweroff -f")
    status, out = wait_create_w(m)
    assert status == 0, f"expected `create -w` to exit 0 for a power-off, saw {status}:\n{out}"
    assert "Started domain w1" in out, f"expected 'Started domain w1' from create -w, saw:\n{out}"
    # on_poweroff=destroy (the default): the monitor removes it.
    wait_until(m, "w1 destroyed by on_poweroff=destroy", gone(m, "w1"), 30)
    assert free_memory(m) == free_before, \
        f"expected free_memory back at {free_before} MiB, saw {free_memory(m)}"


def test_on_poweroff_preserve_keeps_the_domain_shut_down(m):
    create(m, DEMO, "name=keep", "on_poweroff=preserve")
    wait_booted(m, "keep")
    type_into(m, "keep", "poweroff -f")

    def shut_down():
        d = table(m).get("keep")
        return d is not None and "s" in d["state"], check(m, "xenoctl list")
    wait_until(m, "keep in state s (on_poweroff=preserve)", shut_down, 60)
    time.sleep(3)
    d = domains_json(m).get("keep")
    assert d and "s" in d["state"] and d["shutdown_reason"] == "poweroff", \
        f"expected keep kept in state s with shutdown_reason poweroff, saw {d}"
    check(m, "xenoctl destroy keep")
    wait_until(m, "keep gone after destroy", gone(m, "keep"), 30)


def wait_restarted(m, name, before, timeout=120):
    """Wait until NAME was built again by on_reboot=restart: listed anew, with a
    smaller uptime than BEFORE (its `list -l` object just before the reboot), then
    booted to its marker. The new domain must have a new id (docs/xenoctl.md)."""
    def restarted():
        d = domains_json(m).get(name)
        again = d is not None and (d["domid"] != before["domid"] or
                                   d["uptime_ns"] < before["uptime_ns"])
        return again, check(m, "xenoctl list")
    wait_until(m, f"{name} built again by on_reboot=restart (it had id {before['domid']}, uptime "
               f"{before['uptime_ns']} ns)", restarted, timeout)
    wait_booted(m, name)
    log = check(m, f"cat /var/log/xenolith/{name}.log || true")
    assert "reboot" in log, f"expected the monitor's log to record the reboot, saw:\n{log}"
    new = domains_json(m)[name]["domid"]
    assert new != before["domid"], \
        f"expected {name} restarted with a new id (docs/xenoctl.md: same name, new id), " \
        f"saw the old id {before['domid']} again"


def test_on_reboot_restart_after_guest_reboots(m):
    create(m, DEMO, "name=rb")
    wait_booted(m, "rb")
    before = domains_json(m)["rb"]
    type_into(m, "rb", "reboot -f")
    wait_restarted(m, "rb", before)


def test_xenoctl_reboot_restarts(m):
    create(m, DEMO, "name=xr")
    wait_booted(m, "xr")
    before = domains_json(m)["xr"]
    check(m, "xenoctl reboot xr")
    wait_restarted(m, "xr", before)


def test_shutdown_w_presses_the_power_button(m):
    free_before = free_memory(m)
    create(m, DEMO, "name=sd")
    wait_booted(m, "sd")
    time.sleep(2)
    status, out = run(m, "timeout 120 xenoctl shutdown -w sd", timeout=150)
    assert status == 0, f"expected `xenoctl shutdown -w sd` to exit 0, saw {status}:\n{out}\n" \
        f"console:\n{console_text(m, 'sd')}\nlist:\n{run(m, 'xenoctl list')[1]}"
    doms = table(m)
    assert "sd" not in doms, \
        f"expected sd gone after shutdown -w (on_poweroff=destroy), saw:\n{check(m, 'xenoctl list')}"
    assert free_memory(m) == free_before, \
        f"expected free_memory back at {free_before} MiB, saw {free_memory(m)}"


def test_rename_then_lookup_by_new_name(m):
    domid = create(m, DEMO, "name=old1")
    check(m, "xenoctl rename old1 new1")
    doms = table(m)
    assert "new1" in doms and "old1" not in doms and doms["new1"]["id"] == domid, \
        f"expected new1 (id {domid}) and no old1, saw:\n{check(m, 'xenoctl list')}"
    out = check(m, "xenoctl list new1")
    assert re.search(rf"^new1 +{domid} ", out, re.M), \
        f"expected `xenoctl list new1` to show id {domid}, saw:\n{out}"
    status, out = run(m, "xenoctl pause old1")
    assert status == 1 and "no such domain" in out, \
        f"expected `pause old1` to fail with 'no such domain' after the rename, saw {status}: {out}"
    check(m, "xenoctl pause new1 && xenoctl unpause new1")
    check(m, "test -e /run/xenolith/new1.cfg && test ! -e /run/xenolith/old1.cfg")
    check(m, "xenoctl destroy new1")
    wait_until(m, "new1 gone after destroy", gone(m, "new1"), 30)


def test_50_create_destroy_cycles_leak_nothing(m):
    free_before = free_memory(m)
    out = check(m, "rm -f /tmp/cyc.err; f=0; for i in $(seq 50); do "
                  f"xenoctl create {DEMO} >/dev/null 2>>/tmp/cyc.err && "
                  "xenoctl destroy demo 2>>/tmp/cyc.err || f=$((f+1)); done; "
                  "echo FAILED=$f; head -n 5 /tmp/cyc.err", timeout=900)
    assert "FAILED=0" in out, f"expected 50 clean create/destroy cycles, saw:\n{out}"
    time.sleep(2)
    listing = check(m, "xenoctl list")
    assert list(table(m)) == ["Domain-0"], f"expected only Domain-0 listed, saw:\n{listing}"
    assert free_memory(m) == free_before, \
        f"expected free_memory {free_before} MiB after 50 cycles, saw {free_memory(m)}"
    wait_until(m, "no monitor left running",
               lambda: (check(m, "pgrep -c -f '^xenoctl create' || true") == "0",
                        check(m, "ps ax | grep '[x]enoctl' || true")), 20)
    status, out = run(m, "ls /run/xenolith/demo.cfg")
    assert status != 0, f"expected no saved configuration left, saw:\n{out}"

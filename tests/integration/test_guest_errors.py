"""xenoctl refuses bad input with exit status 1 and one clear line, and leaves
nothing half-made: the domain list, free memory, saved configurations and
monitors are as they were. One machine (-smp 2, 1 GiB) for the whole file.
"""
import pytest

from guests import DEMO, check, create, dom0_fixtures, refused, run, table

BAD_SYNTAX = """name = "bad"
kernel = "/usr/lib/xenolith/guest/vmlinuz"
memory = 128 %
"""

UNKNOWN_FORMAT = """name = "fmt"
kernel = "/etc/hostname"
memory = 128
"""

m, clean = dom0_fixtures("guest-errors")


def write_file(m, path, text):
    """Write TEXT into dom0's PATH through a here-document, and check it arrived whole."""
    check(m, f"cat > {path} <<'EOF'\n{text.rstrip()}\nEOF\ntrue")
    seen = check(m, f"cat {path}")
    assert seen == text.rstrip(), f"{path}: damaged on the serial line:\n{seen}"


def test_syntax_error_names_file_line_and_column(m):
    write_file(m, "/tmp/bad.cfg", BAD_SYNTAX)
    refused(m, "xenoctl create /tmp/bad.cfg", r"/tmp/bad\.cfg:3:\d+: ", r"'%'")


def test_memory_beyond_free_memory(m):
    refused(m, f"xenoctl create {DEMO} memory=100000",
            r"not enough free memory", r"100000")


def test_kernel_of_no_known_format(m):
    write_file(m, "/tmp/fmt.cfg", UNKNOWN_FORMAT)
    refused(m, "xenoctl create /tmp/fmt.cfg", r"/etc/hostname")


def test_missing_kernel_file(m):
    refused(m, f"xenoctl create {DEMO} kernel=/nonexistent/vmlinuz",
            r"/nonexistent/vmlinuz", r"No such file or directory")


def test_duplicate_name(m):
    domid = create(m)
    line = refused(m, f"xenoctl create {DEMO}", r"\bdemo\b")
    doms = table(m)
    assert doms["demo"]["id"] == domid, \
        f"expected the first demo (id {domid}) untouched after {line!r}, saw {doms}"


@pytest.mark.parametrize("vcpus", [0, 33])
def test_vcpus_out_of_range(m, vcpus):
    refused(m, f"xenoctl create {DEMO} vcpus={vcpus}",
            r"vcpus", rf"\b{vcpus} is out of range \(1-32\)")


@pytest.mark.parametrize("verb", ["pause nosuch", "unpause nosuch", "destroy nosuch",
                                  "console nosuch </dev/null", "rename nosuch other",
                                  "shutdown nosuch", "reboot nosuch", "destroy 4000"])
def test_verb_on_a_domain_that_does_not_exist(m, verb):
    name = verb.split()[1]
    refused(m, f"xenoctl {verb}", rf"'{name}'|\b{name}\b", r"no such domain")

#!/usr/bin/python3
"""elf-trim-zeros.py FILE: shorten an ELF64 executable by the zero bytes at the end of its
last loaded segment (a vmlinux ends in .bss and .init.scratch, about 24 MB of zeros stored
in the file). The segment's p_filesz shrinks and its p_memsz stays, so a loader still
clears that memory; the section headers, which no loader reads, are dropped. FILE is
rewritten in place through a temporary file; a file it does not understand is an error."""
import os
import struct
import sys

PT_LOAD = 1
PAGE = 4096


def die(msg):
    sys.stderr.write(f"elf-trim-zeros.py: error: {msg}\n")
    sys.exit(1)


def main():
    if len(sys.argv) != 2:
        die("usage: elf-trim-zeros.py FILE")
    path = sys.argv[1]
    with open(path, "rb") as f:
        data = bytearray(f.read())
    if data[:4] != b"\x7fELF" or data[4] != 2 or data[5] != 1:
        die(f"{path}: not a little-endian ELF64 file")
    phoff, = struct.unpack_from("<Q", data, 32)
    phentsize, phnum = struct.unpack_from("<HH", data, 54)
    phdrs = []
    for i in range(phnum):
        off = phoff + i * phentsize
        p_type, = struct.unpack_from("<I", data, off)
        p_offset, = struct.unpack_from("<Q", data, off + 8)
        p_filesz, p_memsz = struct.unpack_from("<QQ", data, off + 32)
        if p_offset + p_filesz > len(data):
            die(f"{path}: program header {i} lies outside the file")
        phdrs.append((off, p_type, p_offset, p_filesz, p_memsz))
    loads = [p for p in phdrs if p[1] == PT_LOAD and p[3]]
    if not loads:
        die(f"{path}: no segment to load")
    last = max(loads, key=lambda p: p[2])
    hdr, _, offset, filesz, _ = last
    end = offset + filesz
    while end > offset and data[end - 1] == 0:
        end -= 1
    end = min(offset + filesz, (end + PAGE - 1) // PAGE * PAGE)
    # Everything else the file must keep: headers and the other segments (notes included).
    keep = max([end] + [p[2] + p[3] for p in phdrs if p is not last])
    struct.pack_into("<Q", data, hdr + 32, end - offset)
    struct.pack_into("<Q", data, 40, 0)             # e_shoff
    struct.pack_into("<HH", data, 60, 0, 0)         # e_shnum, e_shstrndx
    tmp = path + ".trim"
    with open(tmp, "wb") as f:
        f.write(data[:keep])
    os.replace(tmp, path)


main()

/* pci_layout.h - where the device model's PCI bus lives in the domU (docs/device-model.md "PCI layout"). */
#ifndef DEVMODEL_PCI_LAYOUT_H
#define DEVMODEL_PCI_LAYOUT_H

/* Configuration mechanism #1: the address register at 0xcf8 (dword
 * accesses only: a byte at 0xcf9 is the hypervisor's reset register) and
 * the data window 0xcfc-0xcff. */
#define PCI_LAYOUT_CONF_ADDR	0xcf8u
#define PCI_LAYOUT_CONF_DATA	0xcfcu

/* The 32-bit MMIO window of \_SB.PCI0's _CRS (tools/libxenolith/acpi/
 * dsdt.asl): above the RAM below 3 GiB, below the IOAPIC. */
#define PCI_LAYOUT_MMIO_BASE	0xc0000000ull
#define PCI_LAYOUT_MMIO_END	0xfec00000ull	/* exclusive */

/* Device 00.0, the host bridge (QEMU's generic "PCIe host bridge" ids). */
#define PCI_LAYOUT_HOST_VENDOR	0x1b36
#define PCI_LAYOUT_HOST_DEVICE	0x0008
#define PCI_LAYOUT_SLOTS	32	/* devices 0..31 of bus 0; 0 is the host bridge */

#endif

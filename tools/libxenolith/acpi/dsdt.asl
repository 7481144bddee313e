/*
 * dsdt.asl - the DSDT of every domU (docs/guest-platform.md).
 *
 * guest.mk compiles it with iasl into a C array that guest_acpi.c places
 * after the FADT. The per-domain tables (MADT, FADT) are built in C; this
 * one is the same for all domains. The power button is the FADT's fixed
 * feature button, so it needs no device here.
 */
DefinitionBlock ("", "DSDT", 2, "XENOLI", "XLGUEST", 1)
{
    /* Sleep states: SLP_TYP values for PM1a_CNT (0x604). S5 powers off. */
    Name (\_S0, Package (0x04) { 0, 0, 0, 0 })
    Name (\_S5, Package (0x04) { 5, 5, 0, 0 })

    Scope (\_SB)
    {
        /* The console: a 16550 UART at 0x3f8, ISA IRQ 4. */
        Device (COM1)
        {
            Name (_HID, EisaId ("PNP0501"))
            Name (_UID, 1)
            Name (_CRS, ResourceTemplate ()
            {
                IO (Decode16, 0x03F8, 0x03F8, 0x01, 0x08)
                IRQNoFlags () {4}
            })
        }

        /*
         * The PCI host bridge of the device model (docs/device-model.md):
         * bus 0 on configuration mechanism #1, no I/O BARs (an I/O window
         * all the same, as PCs have), and the 32-bit MMIO window that
         * tools/devmodel/pci_layout.h places BARs in, ending below the
         * IOAPIC. With ACPI, Linux scans only the buses described here.
         * No _PRT: devices interrupt by MSI-X only (interrupt pin 0).
         */
        Device (PCI0)
        {
            Name (_HID, EisaId ("PNP0A03"))
            Name (_UID, 0)
            Name (_SEG, 0)
            Name (_BBN, 0)
            Name (_CRS, ResourceTemplate ()
            {
                WordBusNumber (ResourceProducer, MinFixed, MaxFixed, PosDecode,
                    0x0000, 0x0000, 0x0000, 0x0000, 0x0001)
                IO (Decode16, 0x0CF8, 0x0CF8, 0x01, 0x08)
                WordIO (ResourceProducer, MinFixed, MaxFixed, PosDecode, EntireRange,
                    0x0000, 0x1000, 0xFFFF, 0x0000, 0xF000)
                DWordMemory (ResourceProducer, PosDecode, MinFixed, MaxFixed,
                    NonCacheable, ReadWrite,
                    0x00000000, 0xC0000000, 0xFEBFFFFF, 0x00000000, 0x3EC00000)
            })
        }
    }
}

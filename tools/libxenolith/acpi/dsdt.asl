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

    /*
     * ACPI PCI hotplug of the device model's slots (docs/device-model.md
     * "Hotplug"), as Linux's acpiphp expects it: one device per slot with
     * _ADR, _SUN and _EJ0. GPE 1 of the GPE0 block (the FADT's GPE0_BLK,
     * 0xafe0) runs PCNT, which reads the slot registers at 0xae00 (UP,
     * DOWN: clear on read) and notifies bus check (1) or eject request (3).
     * _EJ0 writes the slot's bit to EJ. Without a device model the ports
     * read all ones, SIGN does not match, and PCNT does nothing.
     */
    Scope (\_SB.PCI0)
    {
        OperationRegion (PCST, SystemIO, 0xAE00, 0x10)
        Field (PCST, DWordAcc, NoLock, WriteAsZeros)
        {
            PCIU, 32,
            PCID, 32,
            PCEB, 32,
            SIGN, 32
        }

        Mutex (HPLK, 0)

        /* The guest let go of slot Arg0. */
        Method (PCEJ, 1, NotSerialized)
        {
            Acquire (HPLK, 0xFFFF)
            PCEB = (One << Arg0)
            Release (HPLK)
        }

        /* What changed: Notify the slots. */
        Method (PCNT, 0, NotSerialized)
        {
            Acquire (HPLK, 0xFFFF)
            If (SIGN != 0x504C4858)
            {
                Release (HPLK)
                Return (Zero)
            }
            Local0 = PCIU
            Local1 = PCID
            Release (HPLK)
            If (Local0 & 0x00000002) { Notify (S01, 1) }
            If (Local1 & 0x00000002) { Notify (S01, 3) }
            If (Local0 & 0x00000004) { Notify (S02, 1) }
            If (Local1 & 0x00000004) { Notify (S02, 3) }
            If (Local0 & 0x00000008) { Notify (S03, 1) }
            If (Local1 & 0x00000008) { Notify (S03, 3) }
            If (Local0 & 0x00000010) { Notify (S04, 1) }
            If (Local1 & 0x00000010) { Notify (S04, 3) }
            If (Local0 & 0x00000020) { Notify (S05, 1) }
            If (Local1 & 0x00000020) { Notify (S05, 3) }
            If (Local0 & 0x00000040) { Notify (S06, 1) }
            If (Local1 & 0x00000040) { Notify (S06, 3) }
            If (Local0 & 0x00000080) { Notify (S07, 1) }
            If (Local1 & 0x00000080) { Notify (S07, 3) }
            If (Local0 & 0x00000100) { Notify (S08, 1) }
            If (Local1 & 0x00000100) { Notify (S08, 3) }
            If (Local0 & 0x00000200) { Notify (S09, 1) }
            If (Local1 & 0x00000200) { Notify (S09, 3) }
            If (Local0 & 0x00000400) { Notify (S0A, 1) }
            If (Local1 & 0x00000400) { Notify (S0A, 3) }
            If (Local0 & 0x00000800) { Notify (S0B, 1) }
            If (Local1 & 0x00000800) { Notify (S0B, 3) }
            If (Local0 & 0x00001000) { Notify (S0C, 1) }
            If (Local1 & 0x00001000) { Notify (S0C, 3) }
            If (Local0 & 0x00002000) { Notify (S0D, 1) }
            If (Local1 & 0x00002000) { Notify (S0D, 3) }
            If (Local0 & 0x00004000) { Notify (S0E, 1) }
            If (Local1 & 0x00004000) { Notify (S0E, 3) }
            If (Local0 & 0x00008000) { Notify (S0F, 1) }
            If (Local1 & 0x00008000) { Notify (S0F, 3) }
            If (Local0 & 0x00010000) { Notify (S10, 1) }
            If (Local1 & 0x00010000) { Notify (S10, 3) }
            If (Local0 & 0x00020000) { Notify (S11, 1) }
            If (Local1 & 0x00020000) { Notify (S11, 3) }
            If (Local0 & 0x00040000) { Notify (S12, 1) }
            If (Local1 & 0x00040000) { Notify (S12, 3) }
            If (Local0 & 0x00080000) { Notify (S13, 1) }
            If (Local1 & 0x00080000) { Notify (S13, 3) }
            If (Local0 & 0x00100000) { Notify (S14, 1) }
            If (Local1 & 0x00100000) { Notify (S14, 3) }
            If (Local0 & 0x00200000) { Notify (S15, 1) }
            If (Local1 & 0x00200000) { Notify (S15, 3) }
            If (Local0 & 0x00400000) { Notify (S16, 1) }
            If (Local1 & 0x00400000) { Notify (S16, 3) }
            If (Local0 & 0x00800000) { Notify (S17, 1) }
            If (Local1 & 0x00800000) { Notify (S17, 3) }
            If (Local0 & 0x01000000) { Notify (S18, 1) }
            If (Local1 & 0x01000000) { Notify (S18, 3) }
            If (Local0 & 0x02000000) { Notify (S19, 1) }
            If (Local1 & 0x02000000) { Notify (S19, 3) }
            If (Local0 & 0x04000000) { Notify (S1A, 1) }
            If (Local1 & 0x04000000) { Notify (S1A, 3) }
            If (Local0 & 0x08000000) { Notify (S1B, 1) }
            If (Local1 & 0x08000000) { Notify (S1B, 3) }
            If (Local0 & 0x10000000) { Notify (S1C, 1) }
            If (Local1 & 0x10000000) { Notify (S1C, 3) }
            If (Local0 & 0x20000000) { Notify (S1D, 1) }
            If (Local1 & 0x20000000) { Notify (S1D, 3) }
            If (Local0 & 0x40000000) { Notify (S1E, 1) }
            If (Local1 & 0x40000000) { Notify (S1E, 3) }
            If (Local0 & 0x80000000) { Notify (S1F, 1) }
            If (Local1 & 0x80000000) { Notify (S1F, 3) }
            Return (Zero)
        }

        Device (S01) { Name (_ADR, 0x00010000) Name (_SUN, 1) Method (_EJ0, 1) { PCEJ (1) } }
        Device (S02) { Name (_ADR, 0x00020000) Name (_SUN, 2) Method (_EJ0, 1) { PCEJ (2) } }
        Device (S03) { Name (_ADR, 0x00030000) Name (_SUN, 3) Method (_EJ0, 1) { PCEJ (3) } }
        Device (S04) { Name (_ADR, 0x00040000) Name (_SUN, 4) Method (_EJ0, 1) { PCEJ (4) } }
        Device (S05) { Name (_ADR, 0x00050000) Name (_SUN, 5) Method (_EJ0, 1) { PCEJ (5) } }
        Device (S06) { Name (_ADR, 0x00060000) Name (_SUN, 6) Method (_EJ0, 1) { PCEJ (6) } }
        Device (S07) { Name (_ADR, 0x00070000) Name (_SUN, 7) Method (_EJ0, 1) { PCEJ (7) } }
        Device (S08) { Name (_ADR, 0x00080000) Name (_SUN, 8) Method (_EJ0, 1) { PCEJ (8) } }
        Device (S09) { Name (_ADR, 0x00090000) Name (_SUN, 9) Method (_EJ0, 1) { PCEJ (9) } }
        Device (S0A) { Name (_ADR, 0x000A0000) Name (_SUN, 10) Method (_EJ0, 1) { PCEJ (10) } }
        Device (S0B) { Name (_ADR, 0x000B0000) Name (_SUN, 11) Method (_EJ0, 1) { PCEJ (11) } }
        Device (S0C) { Name (_ADR, 0x000C0000) Name (_SUN, 12) Method (_EJ0, 1) { PCEJ (12) } }
        Device (S0D) { Name (_ADR, 0x000D0000) Name (_SUN, 13) Method (_EJ0, 1) { PCEJ (13) } }
        Device (S0E) { Name (_ADR, 0x000E0000) Name (_SUN, 14) Method (_EJ0, 1) { PCEJ (14) } }
        Device (S0F) { Name (_ADR, 0x000F0000) Name (_SUN, 15) Method (_EJ0, 1) { PCEJ (15) } }
        Device (S10) { Name (_ADR, 0x00100000) Name (_SUN, 16) Method (_EJ0, 1) { PCEJ (16) } }
        Device (S11) { Name (_ADR, 0x00110000) Name (_SUN, 17) Method (_EJ0, 1) { PCEJ (17) } }
        Device (S12) { Name (_ADR, 0x00120000) Name (_SUN, 18) Method (_EJ0, 1) { PCEJ (18) } }
        Device (S13) { Name (_ADR, 0x00130000) Name (_SUN, 19) Method (_EJ0, 1) { PCEJ (19) } }
        Device (S14) { Name (_ADR, 0x00140000) Name (_SUN, 20) Method (_EJ0, 1) { PCEJ (20) } }
        Device (S15) { Name (_ADR, 0x00150000) Name (_SUN, 21) Method (_EJ0, 1) { PCEJ (21) } }
        Device (S16) { Name (_ADR, 0x00160000) Name (_SUN, 22) Method (_EJ0, 1) { PCEJ (22) } }
        Device (S17) { Name (_ADR, 0x00170000) Name (_SUN, 23) Method (_EJ0, 1) { PCEJ (23) } }
        Device (S18) { Name (_ADR, 0x00180000) Name (_SUN, 24) Method (_EJ0, 1) { PCEJ (24) } }
        Device (S19) { Name (_ADR, 0x00190000) Name (_SUN, 25) Method (_EJ0, 1) { PCEJ (25) } }
        Device (S1A) { Name (_ADR, 0x001A0000) Name (_SUN, 26) Method (_EJ0, 1) { PCEJ (26) } }
        Device (S1B) { Name (_ADR, 0x001B0000) Name (_SUN, 27) Method (_EJ0, 1) { PCEJ (27) } }
        Device (S1C) { Name (_ADR, 0x001C0000) Name (_SUN, 28) Method (_EJ0, 1) { PCEJ (28) } }
        Device (S1D) { Name (_ADR, 0x001D0000) Name (_SUN, 29) Method (_EJ0, 1) { PCEJ (29) } }
        Device (S1E) { Name (_ADR, 0x001E0000) Name (_SUN, 30) Method (_EJ0, 1) { PCEJ (30) } }
        Device (S1F) { Name (_ADR, 0x001F0000) Name (_SUN, 31) Method (_EJ0, 1) { PCEJ (31) } }
    }

    Scope (\_GPE)
    {
        Method (_E01, 0, NotSerialized)
        {
            \_SB.PCI0.PCNT ()
        }
    }
}

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
    }
}

package jaio.linux;

import java.util.Locale;

/**
 * System call numbers and open(2) flags that differ between architectures.
 * Values from the kernel's arch/x86/entry/syscalls/syscall_64.tbl,
 * include/uapi/asm-generic/unistd.h and the asm/fcntl.h of each architecture.
 */
public enum Arch {
    X86_64(206, 207, 208, 209, 210, 333, 425, 426, 427, 290, 293, 186, 0x4000),
    AARCH64(0, 1, 4, 2, 3, 292, 425, 426, 427, 19, 59, 178, 0x10000);

    /** The architecture this JVM runs on, or null when jaio does not know it. */
    public static final Arch CURRENT = detect();

    public final int sysIoSetup;
    public final int sysIoDestroy;
    public final int sysIoGetevents;
    public final int sysIoSubmit;
    public final int sysIoCancel;
    public final int sysIoPgetevents;
    public final int sysIoUringSetup;
    public final int sysIoUringEnter;
    public final int sysIoUringRegister;
    public final int sysEventfd2;
    public final int sysPipe2;
    public final int sysGettid;
    /** O_DIRECT differs between x86_64 (040000) and arm64 (0200000). */
    public final int oDirect;

    Arch(int ioSetup, int ioDestroy, int ioGetevents, int ioSubmit, int ioCancel, int ioPgetevents,
         int uringSetup, int uringEnter, int uringRegister, int eventfd2, int pipe2, int gettid, int oDirect) {
        this.sysIoSetup = ioSetup;
        this.sysIoDestroy = ioDestroy;
        this.sysIoGetevents = ioGetevents;
        this.sysIoSubmit = ioSubmit;
        this.sysIoCancel = ioCancel;
        this.sysIoPgetevents = ioPgetevents;
        this.sysIoUringSetup = uringSetup;
        this.sysIoUringEnter = uringEnter;
        this.sysIoUringRegister = uringRegister;
        this.sysEventfd2 = eventfd2;
        this.sysPipe2 = pipe2;
        this.sysGettid = gettid;
        this.oDirect = oDirect;
    }

    private static Arch detect() {
        String a = System.getProperty("os.arch", "").toLowerCase(Locale.ROOT);
        return switch (a) {
            case "amd64", "x86_64" -> X86_64;
            case "aarch64", "arm64" -> AARCH64;
            default -> null;
        };
    }
}

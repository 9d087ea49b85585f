package org.filigrane.opencl;

import java.lang.System.Logger.Level;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Keeps the JVM's own signal handlers in place while OpenCL drivers load. PoCL links LLVM, and the first
 * device query installs LLVM's crash handlers for SIGSEGV, SIGBUS, SIGILL, SIGUSR2 and SIGXFSZ (with
 * {@code SA_RESETHAND}) and PoCL's own SIGFPE handler over the JVM's (seen with {@code java -Xcheck:jni}: "SIGSEGV
 * handler modified ... libLLVM-15.so.1"). The JVM takes SIGSEGV in normal operation (safepoint polls and implicit
 * null checks in compiled code); the first such fault then reaches LLVM's handler, which resets the signal to its
 * default action before it puts the JVM's back, so a second thread faulting in that window kills the process with
 * SIGSEGV and no hs_err file. That is the intermittent crash of issue 8.
 *
 * <p>The JVM's handlers are saved before the first OpenCL call ({@link #save()}) and put back after every call that
 * may load or initialise a driver ({@link #restore()}): device listing, context creation, program builds. The
 * drivers do not need their handlers (LLVM's only print crash reports; PoCL's SIGFPE handler covers integer
 * division by zero inside kernels, which Filigrane's kernels never do). The JVM's signal-chaining library
 * ({@code LD_PRELOAD=$JAVA_HOME/lib/libjsig.so}) would do the same from outside the process; this needs no launcher
 * change. Linux only (where PoCL runs); elsewhere, or when native access is denied, it does nothing and says so
 * once.
 */
final class JvmSignals {
    private static final System.Logger LOG = System.getLogger("org.filigrane.opencl");
    /** {@code false} leaves the drivers' handlers in place (only to show what the guard prevents). */
    static final String PROPERTY = "filigrane.opencl.guardSignals";
    /** The signals the JVM handles itself, by Linux number (x86-64 and aarch64 agree on these). */
    private static final int[] NUMBERS = {1, 2, 3, 4, 5, 7, 8, 11, 12, 13, 15, 25};
    private static final String[] NAMES = {"SIGHUP", "SIGINT", "SIGQUIT", "SIGILL", "SIGTRAP", "SIGBUS", "SIGFPE",
        "SIGSEGV", "SIGUSR2", "SIGPIPE", "SIGTERM", "SIGXFSZ"};
    /** At least {@code sizeof(struct sigaction)} on every Linux ABI (152 bytes with glibc on x86-64 and aarch64). */
    private static final long SIZE = 256;
    private static final int SA_RESTORER = 0x04000000;
    private static final MethodHandle SIGACTION;
    private static final MemorySegment SAVED;
    private static final String DISABLED;

    static {
        MethodHandle sigaction = null;
        MemorySegment saved = null;
        String disabled = null;
        if (!System.getProperty("os.name", "").toLowerCase(Locale.ROOT).contains("linux")) {
            disabled = "not Linux";
        } else {
            try {
                Linker linker = Linker.nativeLinker();
                sigaction = linker.downcallHandle(linker.defaultLookup().find("sigaction").orElseThrow(),
                        FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.ADDRESS,
                                ValueLayout.ADDRESS));
                saved = Arena.global().allocate(SIZE * NUMBERS.length, 16);
                for (int i = 0; i < NUMBERS.length; i++) {
                    int rc = (int) sigaction.invokeExact(NUMBERS[i], MemorySegment.NULL, saved.asSlice(SIZE * i,
                            SIZE));
                    if (rc != 0) {
                        throw new IllegalStateException("sigaction(" + NAMES[i] + ") failed");
                    }
                }
            } catch (Throwable e) {
                sigaction = null;
                saved = null;
                disabled = e.toString();
            }
        }
        SIGACTION = sigaction;
        SAVED = saved;
        DISABLED = disabled;
        if (disabled != null) {
            LOG.log(Level.DEBUG, "the JVM's signal handlers are not guarded around OpenCL drivers: " + disabled);
        }
    }

    private JvmSignals() {
    }

    /** Saves the JVM's handlers, once per JVM: call before anything loads an OpenCL driver. */
    static void save() {
        // The class initialiser did it.
    }

    /** Whether the handlers are guarded here (Linux with native access). */
    static boolean active() {
        return SIGACTION != null;
    }

    /**
     * Same handler, flags and (kernel-sized) mask. glibc's {@code struct sigaction}: handler at 0, a 128-byte mask
     * at 8 of which the kernel fills the first 8 (glibc copies the rest from its stack, so it is noise), flags at
     * 136, the restorer at 144 (glibc's own); the same on x86-64 and aarch64. glibc adds {@code SA_RESTORER} to
     * the flags it installs, so a default action read back after being put back differs from the saved one there.
     */
    private static boolean same(MemorySegment a, MemorySegment b) {
        return a.get(ValueLayout.JAVA_LONG, 0) == b.get(ValueLayout.JAVA_LONG, 0)
                && a.get(ValueLayout.JAVA_LONG, 8) == b.get(ValueLayout.JAVA_LONG, 8)
                && (a.get(ValueLayout.JAVA_INT, 136) & ~SA_RESTORER) == (b.get(ValueLayout.JAVA_INT, 136) & ~SA_RESTORER);
    }

    /**
     * Puts back each saved handler that a driver replaced; returns the names of the signals put back. With
     * {@value #PROPERTY}{@code =false} only says which differ (to show what the guard prevents).
     */
    static synchronized List<String> restore() {
        return compare(Boolean.parseBoolean(System.getProperty(PROPERTY, "true")));
    }

    /** The signals whose handler is not the saved one now; nothing is changed. */
    static synchronized List<String> changed() {
        return compare(false);
    }

    private static List<String> compare(boolean putBack) {
        List<String> restored = new ArrayList<>();
        if (SIGACTION == null) {
            return restored;
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment now = arena.allocate(SIZE, 16);
            for (int i = 0; i < NUMBERS.length; i++) {
                MemorySegment saved = SAVED.asSlice(SIZE * i, SIZE);
                int rc = (int) SIGACTION.invokeExact(NUMBERS[i], MemorySegment.NULL, now);
                if (rc == 0 && !same(now, saved)) {
                    if (putBack) {
                        rc = (int) SIGACTION.invokeExact(NUMBERS[i], saved, MemorySegment.NULL);
                    }
                    if (rc == 0) {
                        restored.add(NAMES[i]);
                    }
                }
            }
        } catch (Throwable e) {
            throw new IllegalStateException("sigaction failed", e);
        }
        if (putBack && !restored.isEmpty()) {
            LOG.log(Level.DEBUG, "the OpenCL driver replaced the JVM's handlers of " + restored + "; put back");
        }
        return restored;
    }
}

package org.filigrane.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.filigrane.engine.conformance.SliceBySliceReferenceAccess;
import org.filigrane.engine.reference.ReferenceBackend;
import org.filigrane.engine.spi.Backend;
import org.filigrane.engine.spi.BlockGrid;
import org.junit.jupiter.api.Test;

/**
 * The self-check covers every kernel of the SPI, and for each kernel a backend wrong on one pixel format only is
 * refused with a line that names that kernel and that format.
 */
class SelfCheckTest {
    /** The format the wrong backends below get wrong: the last one checked, so earlier formats pass. */
    private static final PixelFormat BROKEN = PixelFormat.signed(16, 16);

    @Test
    void everyKernelOfTheSpiHasAnEntry() {
        Set<String> kernels = Arrays.stream(Backend.class.getMethods())
                .filter(m -> Modifier.isAbstract(m.getModifiers()))
                .map(Method::getName)
                .filter(n -> !n.equals("name") && !n.equals("description"))
                .collect(Collectors.toCollection(TreeSet::new));
        assertEquals(10, kernels.size(), kernels.toString());
        assertEquals(kernels, new TreeSet<>(SelfCheck.KERNELS.keySet()));
        assertEquals(5, SelfCheck.FORMATS.size());
        assertTrue(SelfCheck.FORMATS.contains(BROKEN));
    }

    @Test
    void correctBackendsPass() {
        assertNull(SelfCheck.compareWithReference(new ReferenceBackend()));
        // Same bytes by another road: one slice per call.
        assertNull(SelfCheck.compareWithReference(SliceBySliceReferenceAccess.create()));
    }

    /** The fixtures make the embedding kernels work: pixels change, and extraction gives the input back. */
    @Test
    void theFixturesExerciseTheKernels() {
        Backend ref = new ReferenceBackend();
        for (PixelFormat f : SelfCheck.FORMATS) {
            SelfCheck.Fixture x = new SelfCheck.Fixture(f);
            short[][] input = (short[][]) SelfCheck.KERNELS.get("dctAddInverse").run(new DelegatingBackend(ref) {
                @Override
                public void dctAddInverse(Volume v, int slice, int[] delta) {
                }
            }, x)[0];
            short[][] inverse = (short[][]) SelfCheck.KERNELS.get("dctAddInverse").run(ref, x)[0];
            assertTrue(!Arrays.deepEquals(input, inverse), f + ": dctAddInverse changed nothing");
            // One result per R bin threshold probed; each must embed, extract and restore.
            Object[] embeddedAll = SelfCheck.KERNELS.get("embedPass").run(ref, x);
            Object[] extractedAll = SelfCheck.KERNELS.get("extractPass").run(ref, x);
            short[][] restored = null;
            for (int t = 0; t < embeddedAll.length; t++) {
                Object[] extracted = (Object[]) extractedAll[t];
                short[][] back = (short[][]) extracted[1];
                assertTrue(!Arrays.deepEquals((short[][]) embeddedAll[t], back), f + ": embedPass changed nothing");
                long[][][] bits = (long[][][]) extracted[0];
                assertTrue(Arrays.stream(bits[0][0]).anyMatch(w -> w != 0), f + ": no bit extracted from slice 0");
                assertTrue(restored == null || Arrays.deepEquals(restored, back), f + ": thresholds restore alike");
                restored = back;
            }
            Object[] blocks = SelfCheck.KERNELS.get("embedBlocks").run(ref, x);
            Object[] unblocked = SelfCheck.KERNELS.get("extractBlocks").run(ref, x);
            assertTrue(!Arrays.deepEquals((short[][]) blocks[1], (short[][]) unblocked[1]),
                    f + ": embedBlocks changed nothing");
            // extractPass and extractBlocks restore the same input the embedding kernels started from.
            assertTrue(Arrays.deepEquals(restored, (short[][]) unblocked[1]), f + ": extraction did not restore");
        }
        long start = System.nanoTime();
        assertNull(SelfCheck.compareWithReference(ref));
        System.out.printf("self-check of the reference against itself: %.1f ms%n", (System.nanoTime() - start) / 1e6);
    }

    /** One wrong backend per kernel: each changes one output value, only on {@link #BROKEN}. */
    private static Map<String, Backend> wrongBackends() {
        Backend ref = new ReferenceBackend();
        return Map.of(
                "errorHistograms", new DelegatingBackend(ref) {
                    @Override
                    public void errorHistograms(Volume v, int[] firstRow, int parity, long[][] hist) {
                        super.errorHistograms(v, firstRow, parity, hist);
                        if (v.format().equals(BROKEN) && parity == 1) {
                            hist[v.slices() - 1][Backend.HIST_BINS / 2]++;
                        }
                    }
                },
                "valueRanges", new DelegatingBackend(ref) {
                    @Override
                    public void valueRanges(Volume v, int from, int to, int[][] ranges) {
                        super.valueRanges(v, from, to, ranges);
                        if (v.format().equals(BROKEN)) {
                            ranges[to - from - 1][1]++;
                        }
                    }
                },
                "embedPass", new DelegatingBackend(ref) {
                    @Override
                    public void embedPass(Volume v, int[] firstRow, int parity, int peak, int threshold, long[] bits,
                            long[] off, int[] limit) {
                        super.embedPass(v, firstRow, parity, peak, threshold, bits, off, limit);
                        if (parity == 1) {
                            flipLast(v, v.slices() - 1);
                        }
                    }
                },
                "extractPass", new DelegatingBackend(ref) {
                    @Override
                    public void extractPass(Volume v, int[] firstRow, int parity, int peak, int threshold,
                            long[][] bitsOut, int[] limit) {
                        super.extractPass(v, firstRow, parity, peak, threshold, bitsOut, limit);
                        if (v.format().equals(BROKEN)) {
                            bitsOut[0][0] ^= 1L;
                        }
                    }
                },
                "blockCodes", new DelegatingBackend(ref) {
                    @Override
                    public void blockCodes(Volume v, int from, int to, BlockGrid g, int[][] codes) {
                        super.blockCodes(v, from, to, g, codes);
                        if (v.format().equals(BROKEN)) {
                            codes[to - from - 1][g.blockCount() - 1] ^= 0x8000;
                        }
                    }
                },
                "columnCodes", new DelegatingBackend(ref) {
                    @Override
                    public void columnCodes(Volume v, int from, int to, BlockGrid g, int[] state) {
                        super.columnCodes(v, from, to, g, state);
                        if (v.format().equals(BROKEN) && to == v.slices()) {
                            state[state.length - 1] ^= 1; // only the last call of a resumed register
                        }
                    }
                },
                "embedBlocks", new DelegatingBackend(ref) {
                    @Override
                    public void embedBlocks(Volume v, int from, int to, BlockGrid g, int bits, long[][] in,
                            int[][] carried) {
                        super.embedBlocks(v, from, to, g, bits, in, carried);
                        flipLast(v, to - 1);
                    }
                },
                "extractBlocks", new DelegatingBackend(ref) {
                    @Override
                    public void extractBlocks(Volume v, int from, int to, BlockGrid g, int bits, long[][] out,
                            int[][] carried) {
                        super.extractBlocks(v, from, to, g, bits, out, carried);
                        if (v.format().equals(BROKEN)) {
                            out[0][0] ^= 1L << (bits - 1);
                        }
                    }
                },
                "dctForward", new DelegatingBackend(ref) {
                    @Override
                    public void dctForward(Volume v, int slice, int originRow, int originColumn, int[] c) {
                        super.dctForward(v, slice, originRow, originColumn, c);
                        if (v.format().equals(BROKEN)) {
                            c[c.length - 1]++;
                        }
                    }
                },
                "dctAddInverse", new DelegatingBackend(ref) {
                    @Override
                    public void dctAddInverse(Volume v, int slice, int[] delta) {
                        super.dctAddInverse(v, slice, delta);
                        flipLast(v, slice);
                    }
                });
    }

    /** Flips the low bit of the last pixel of {@code slice} on the broken format. */
    private static void flipLast(Volume v, int slice) {
        if (v.format().equals(BROKEN)) {
            short[] px = v.slice(slice);
            px[px.length - 1] ^= 1;
        }
    }

    @Test
    void eachWrongKernelIsNamedWithItsFormat() {
        Map<String, Backend> wrong = wrongBackends();
        assertEquals(SelfCheck.KERNELS.keySet(), wrong.keySet());
        for (Map.Entry<String, Backend> e : wrong.entrySet()) {
            String mismatch = SelfCheck.compareWithReference(e.getValue());
            assertNotNull(mismatch, e.getKey() + " was wrong and passed");
            System.out.println("wrong " + e.getKey() + ": " + mismatch);
            assertTrue(mismatch.startsWith(e.getKey() + " on " + BROKEN + " (not the reference's"), mismatch);
            assertTrue(!mismatch.contains("\n"), "one line: " + mismatch);
            for (String other : SelfCheck.KERNELS.keySet()) {
                assertTrue(other.equals(e.getKey()) || !mismatch.contains(other + " on"),
                        "only " + e.getKey() + " is wrong: " + mismatch);
            }
        }
    }

    @Test
    void aKernelThatThrowsIsNamed() {
        Backend throwing = new DelegatingBackend(new ReferenceBackend()) {
            @Override
            public void columnCodes(Volume v, int from, int to, BlockGrid g, int[] state) {
                throw new IllegalStateException("device lost");
            }
        };
        String mismatch = SelfCheck.compareWithReference(throwing);
        assertNotNull(mismatch);
        assertTrue(mismatch.startsWith("columnCodes on uint8/8 (threw java.lang.IllegalStateException: device lost)"),
                mismatch);
    }
}

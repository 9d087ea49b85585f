package org.filigrane.engine.reference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.filigrane.engine.PixelFormat;
import org.filigrane.engine.Volume;
import org.junit.jupiter.api.Test;

class ReferenceDctTest {
    private static final long SEED = 0xDC7L;

    /** The table as documented, recomputed here in floating point (tests only). */
    private static long[][] table() {
        long[][] c = new long[8][8];
        for (int u = 0; u < 8; u++) {
            double a = u == 0 ? Math.sqrt(1.0 / 8) : 0.5;
            for (int x = 0; x < 8; x++) {
                c[u][x] = Math.round(16384 * a * Math.cos((2 * x + 1) * u * Math.PI / 16));
            }
        }
        return c;
    }

    private static Volume random(Random random, int rows, int columns, PixelFormat format) {
        Volume v = Volume.allocate(1, rows, columns, format);
        for (int i = 0; i < rows * columns; i++) {
            v.slice(0)[i] = format.store(format.min() + random.nextInt(format.max() - format.min() + 1));
        }
        return v;
    }

    @Test
    void forwardIsTheDocumentedDoubleSum() {
        long[][] c = table();
        Random random = new Random(SEED);
        for (PixelFormat format : new PixelFormat[] {PixelFormat.unsigned(8, 8), PixelFormat.unsigned(16, 16),
                PixelFormat.signed(16, 16)}) {
            Volume v = random(random, 16, 24, format);
            int[] coefficients = new int[6 * 64];
            ReferenceDct.forward(v, 0, 0, 0, coefficients);
            for (int block = 0; block < 6; block++) {
                int top = block / 3 * 8;
                int left = block % 3 * 8;
                for (int u = 0; u < 8; u++) {
                    for (int f = 0; f < 8; f++) {
                        long sum = 0;
                        for (int x = 0; x < 8; x++) {
                            for (int y = 0; y < 8; y++) {
                                sum += c[u][x] * c[f][y] * v.get(0, top + x, left + y);
                            }
                        }
                        assertEquals((sum + (1L << 27)) >> 28, coefficients[block * 64 + u * 8 + f]);
                        double exact = 0;
                        double magnitude = 0;
                        for (int x = 0; x < 8; x++) {
                            for (int y = 0; y < 8; y++) {
                                exact += basis(u, x) * basis(f, y) * v.get(0, top + x, left + y);
                                magnitude += Math.abs(v.get(0, top + x, left + y));
                            }
                        }
                        // Each Q14 product is within 2 * 0.5/16384 * 0.4904 of the real one; plus the rounding.
                        assertEquals(exact, coefficients[block * 64 + u * 8 + f], 0.5 + magnitude * 3.0e-5);
                    }
                }
            }
        }
    }

    private static double basis(int u, int x) {
        return (u == 0 ? Math.sqrt(1.0 / 8) : 0.5) * Math.cos((2 * x + 1) * u * Math.PI / 16);
    }

    @Test
    void aConstantBlockHasOnlyADcTerm() {
        PixelFormat format = PixelFormat.unsigned(16, 12);
        for (int value : new int[] {0, 1, 7, 2048, 4095}) {
            Volume v = Volume.allocate(1, 8, 8, format);
            java.util.Arrays.fill(v.slice(0), format.store(value));
            int[] coefficients = new int[64];
            ReferenceDct.forward(v, 0, 0, 0, coefficients);
            assertEquals(8.0 * value, coefficients[0], 1 + value * 8e-3, "DC of " + value);
            for (int i = 1; i < 64; i++) {
                assertEquals(0, coefficients[i], "AC " + i + " of a constant " + value);
            }
        }
    }

    @Test
    void forwardThenInverseOfADeltaGivesThePixelChange() {
        Random random = new Random(SEED + 1);
        int rows = 24;
        int columns = 32;
        // The wanted change, as a signed image, and its coefficients.
        Volume change = Volume.allocate(1, rows, columns, PixelFormat.signed(16, 16));
        for (int i = 0; i < rows * columns; i++) {
            change.slice(0)[i] = (short) (random.nextInt(81) - 40);
        }
        int[] delta = new int[ReferenceDct.blocks(rows, columns, 0, 0) * 64];
        ReferenceDct.forward(change, 0, 0, 0, delta);
        PixelFormat format = PixelFormat.unsigned(16, 12);
        Volume image = Volume.allocate(1, rows, columns, format);
        for (int i = 0; i < rows * columns; i++) {
            image.slice(0)[i] = format.store(1000 + random.nextInt(2000));
        }
        Volume before = image.copy();
        ReferenceDct.addInverse(image, 0, delta);
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < columns; c++) {
                int got = image.get(0, r, c) - before.get(0, r, c);
                int wanted = change.get(0, r, c);
                assertTrue(Math.abs(got - wanted) <= 1, "pixel " + r + "," + c + ": " + got + " for " + wanted);
            }
        }
    }

    @Test
    void inverseIsTheDocumentedDoubleSum() {
        long[][] c = table();
        Random random = new Random(SEED + 2);
        PixelFormat format = PixelFormat.signed(16, 16);
        Volume image = Volume.allocate(1, 8, 8, format);
        int[] delta = new int[64];
        for (int i = 0; i < 64; i++) {
            delta[i] = random.nextInt(2001) - 1000;
        }
        ReferenceDct.addInverse(image, 0, delta);
        for (int x = 0; x < 8; x++) {
            for (int y = 0; y < 8; y++) {
                long sum = 0;
                for (int u = 0; u < 8; u++) {
                    for (int f = 0; f < 8; f++) {
                        sum += c[u][x] * c[f][y] * delta[u * 8 + f];
                    }
                }
                assertEquals((sum + (1L << 27)) >> 28, image.get(0, x, y));
            }
        }
    }

    @Test
    void resultsAreClampedToTheStoredRange() {
        Random random = new Random(SEED + 3);
        for (PixelFormat format : new PixelFormat[] {PixelFormat.unsigned(8, 8), PixelFormat.unsigned(16, 12),
                PixelFormat.signed(16, 12), PixelFormat.signed(16, 16), PixelFormat.unsigned(16, 16)}) {
            Volume v = random(random, 16, 16, format);
            int[] delta = new int[4 * 64];
            for (int i = 0; i < delta.length; i++) {
                // Large enough to push far past both ends of any stored range.
                delta[i] = random.nextInt(2_000_001) - 1_000_000;
            }
            ReferenceDct.addInverse(v, 0, delta);
            v.checkRange();
            boolean hitMin = false;
            boolean hitMax = false;
            for (int r = 0; r < 16; r++) {
                for (int c = 0; c < 16; c++) {
                    hitMin |= v.get(0, r, c) == format.min();
                    hitMax |= v.get(0, r, c) == format.max();
                }
            }
            assertTrue(hitMin && hitMax, format + " should have been clamped at both ends");
        }
    }

    @Test
    void pixelsOutsideWholeBlocksAreLeftAlone() {
        Random random = new Random(SEED + 4);
        PixelFormat format = PixelFormat.unsigned(16, 12);
        int rows = 21;
        int columns = 27;
        Volume v = random(random, rows, columns, format);
        Volume before = v.copy();
        assertEquals(2 * 3, ReferenceDct.blocks(rows, columns, 0, 0));
        int[] delta = new int[6 * 64];
        for (int i = 0; i < delta.length; i++) {
            delta[i] = random.nextInt(201) - 100;
        }
        ReferenceDct.addInverse(v, 0, delta);
        int changedInside = 0;
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < columns; c++) {
                if (r >= 16 || c >= 24) {
                    assertEquals(before.get(0, r, c), v.get(0, r, c), "edge pixel " + r + "," + c);
                } else if (before.get(0, r, c) != v.get(0, r, c)) {
                    changedInside++;
                }
            }
        }
        assertTrue(changedInside > 16 * 24 / 2);
    }

    @Test
    void aShiftedGridReadsTheSameBlocksAsACrop() {
        Random random = new Random(SEED + 5);
        PixelFormat format = PixelFormat.unsigned(16, 12);
        Volume v = random(random, 21, 27, format);
        int top = 3;
        int left = 5;
        assertEquals(2 * 2, ReferenceDct.blocks(21, 27, top, left));
        Volume crop = Volume.allocate(1, 18, 22, format);
        for (int r = 0; r < 18; r++) {
            System.arraycopy(v.slice(0), (r + top) * 27 + left, crop.slice(0), r * 22, 22);
        }
        int[] shifted = new int[4 * 64];
        int[] cropped = new int[4 * 64];
        ReferenceDct.forward(v, 0, top, left, shifted);
        ReferenceDct.forward(crop, 0, 0, 0, cropped);
        assertTrue(java.util.Arrays.equals(shifted, cropped));
    }
}

package org.filigrane.dicom;

import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ForkJoinPool;
import java.util.stream.IntStream;

/**
 * Per-file work of one series (reading, or building and checking an output) run a few files at a time on the
 * common pool: a file is one thread's work, and the other cores are idle outside the engine. At most a chunk of
 * files is in memory at once, and a failure is reported for the first failing file in order, as a one-by-one run
 * would.
 */
final class FewAtATime {
    /** One file's work; {@code i} is its index in the series. */
    interface Work<T> {
        T run(int i) throws DicomInputException;
    }

    private FewAtATime() {
    }

    /** Files per chunk: one per thread of the common pool and one for the caller, at most {@code max}. */
    static int width(int max) {
        return Math.max(1, Math.min(max, ForkJoinPool.getCommonPoolParallelism() + 1));
    }

    /** The results of {@code work} for files {@code from .. from + n - 1}, in order, computed in parallel. */
    static <T> List<T> run(int from, int n, Work<T> work) throws DicomInputException {
        Object[] out = new Object[n];
        Exception[] failures = new Exception[n];
        IntStream.range(0, n).parallel().forEach(k -> {
            try {
                out[k] = work.run(from + k);
            } catch (DicomInputException | RuntimeException e) {
                failures[k] = e;
            }
        });
        for (Exception e : failures) {
            if (e instanceof DicomInputException d) {
                throw d;
            }
            if (e instanceof RuntimeException r) {
                throw r;
            }
        }
        @SuppressWarnings("unchecked")
        List<T> results = (List<T>) Arrays.asList(out);
        return results;
    }
}

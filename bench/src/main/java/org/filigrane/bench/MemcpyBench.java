package org.filigrane.bench;

import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.filigrane.engine.Volume;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The baseline: one copy of the volume's bytes, System.arraycopy per slice, over all cores ({@code memcpy}, the
 * machine's practical memory rate, which the table divides by) and on one thread ({@code memcpySingleThread}).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@State(Scope.Benchmark)
@Fork(value = 1, jvmArgsAppend = {"-Xmx6g"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class MemcpyBench {
    @Param({"256x256x48/12", "512x512x200/16"})
    public String volume;

    private Volume source;
    private Volume target;

    @Setup
    public void setup() {
        source = Volumes.phantom(volume);
        target = Volume.allocate(source.slices(), source.rows(), source.columns(), source.format());
    }

    @Benchmark
    public Volume memcpy() {
        IntStream.range(0, source.slices()).parallel()
                .forEach(s -> System.arraycopy(source.slice(s), 0, target.slice(s), 0, source.slice(s).length));
        return target;
    }

    @Benchmark
    public Volume memcpySingleThread() {
        Volumes.copyInto(source, target);
        return target;
    }

    @TearDown
    public void check() {
        Volumes.requireSame(source, target, "memcpy");
    }
}

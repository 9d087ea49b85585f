// A device counts as usable only after this ran and matched the host bit for bit: 32- and 64-bit integer
// multiply, division of negative values, 16-bit reinterpretation and local-memory atomics, the operations the
// kernels rely on. Launched with a local size of PROBE_WG.
__kernel void probe(__global const int* in, __global long* out) {
    __local uint seen[1];
    int i = get_global_id(0);
    if (get_local_id(0) == 0) {
        seen[0] = 0;
    }
    barrier(CLK_LOCAL_MEM_FENCE);
    atomic_inc(&seen[0]);
    barrier(CLK_LOCAL_MEM_FENCE);
    int x = in[i];
    long y = (long) x * 2654435761L ^ ((long) i << 17);
    int h = (int) as_short((ushort) ((uint) x >> 3));
    out[i] = y + h + x / 7 + x % 7 + (long) seen[0];
}

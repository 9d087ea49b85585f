// Deliberately does not compile: the build log must reach the user.
__kernel void broken(__global int* out) {
    out[0] = undeclared_identifier;
}

package org.filigrane.engine;

/** The watermark layers, applied in this order (D, R, T) and removed in reverse. */
public enum Layer {
    /** D: DCT-domain recipient ID that survives lossy handling; not removable. */
    ROBUST,
    /** R: reversible histogram shifting carrying the message, SHA-256 of the input and a keyed MAC. */
    REVERSIBLE,
    /** T: per-block and per-column codes that localize tampering; needs R beneath it. */
    TAMPER
}

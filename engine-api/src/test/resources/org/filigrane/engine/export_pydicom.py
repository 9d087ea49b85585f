"""Exports the pixel data of pydicom's real test images as raw little-endian int16 plus one line of metadata, for
layer D's tests on real data (RealImages.java). Usage: python3 export_pydicom.py OUTPUT_DIR"""
import os
import sys
import warnings

import pydicom

BASE = os.path.join(os.path.dirname(pydicom.__file__), "data", "test_files")
# name, file, class: head CTs of 13 and 14 bits (lossless and lossy JPEG 2000), a small signed CT, an NM image.
FILES = [
    ("ct-head-13bit", "J2K_pixelrep_mismatch.dcm", "real CT"),
    ("ct-head-14bit", "693_J2KI.dcm", "real CT"),
    ("ct-small", "CT_small.dcm", "real CT"),
    ("nm", "JPEG2000.dcm", "real NM"),
]


def first(value):
    if value is None:
        return None
    try:
        return float(value[0])
    except TypeError:
        return float(value)


def main(out):
    warnings.simplefilter("ignore")
    os.makedirs(out, exist_ok=True)
    for name, file, kind in FILES:
        d = pydicom.dcmread(os.path.join(BASE, file))
        a = d.pixel_array
        if a.ndim == 3:
            a = a[0]
        slope = float(d.get("RescaleSlope", 1) or 1)
        intercept = float(d.get("RescaleIntercept", 0) or 0)
        center = first(d.get("WindowCenter"))
        width = first(d.get("WindowWidth"))
        # The window in stored values: (HU - intercept) / slope.
        wc = "-" if center is None else str(int(round((center - intercept) / slope)))
        ww = "-" if width is None else str(max(1, int(round(width / slope))))
        signed = int(d.PixelRepresentation) == 1
        a.astype("<i2" if signed else "<u2").tofile(os.path.join(out, name + ".raw"))
        with open(os.path.join(out, name + ".txt"), "w") as meta:
            meta.write(" ".join([name, str(a.shape[0]), str(a.shape[1]), str(int(d.BitsStored)),
                                 "1" if signed else "0", wc, ww, kind.replace(" ", "_"), file]) + "\n")


if __name__ == "__main__":
    main(sys.argv[1])

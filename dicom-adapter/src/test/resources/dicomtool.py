#!/usr/bin/python3
"""Independent judge for Filigrane's DICOM tests (pydicom, not PixelMed).

  compare ORIGINAL OTHER restored     every attribute equal (file meta and group lengths aside) and pixel data bit
                                      for bit; exit 1 listing the differences otherwise
  compare ORIGINAL OTHER watermarked  every attribute equal except SOP/Series Instance UID and the Filigrane private
                                      block (which must be there); pixels decoded and of the same shape
  read FILE...                        reads every file and decodes its pixels; exit 1 on any error
  set-pixel FILE ROW COL DELTA        adds DELTA to one pixel (frame 0) of a native little-endian file, in place
  multiframe OUT FILE...              one multi-frame object from single-frame files of one series
"""
import sys

import numpy as np
import pydicom
from pydicom.uid import generate_uid

FILIGRANE_GROUP = 0x0F17
UIDS = {0x00080018, 0x0020000E}


def skip(tag, mode):
    if tag.group == 0x0002 or tag.element == 0x0000 or tag == 0x7FE00010:
        return True
    if mode == "watermarked" and (tag.group == FILIGRANE_GROUP or int(tag) in UIDS):
        return True
    return False


def compare_ds(a, b, mode, path, diffs, top=True):
    tags = sorted(set(e.tag for e in a) | set(e.tag for e in b))
    for tag in tags:
        if top and skip(tag, mode) or (not top and tag.element == 0):
            continue
        where = "%s(%04X,%04X)" % (path, tag.group, tag.element)
        if tag not in a or tag not in b:
            diffs.append(where + " only in " + ("original" if tag in a else "other"))
            continue
        ea, eb = a[tag], b[tag]
        if ea.VR == "SQ" or eb.VR == "SQ":
            if len(ea.value) != len(eb.value):
                diffs.append(where + " items %d != %d" % (len(ea.value), len(eb.value)))
                continue
            for i, (ia, ib) in enumerate(zip(ea.value, eb.value)):
                compare_ds(ia, ib, mode, where + "[%d]" % i, diffs, top=False)
            continue
        va, vb = ea.value, eb.value
        if isinstance(va, bytes) and isinstance(vb, bytes):
            same = va.rstrip(b"\0 ") == vb.rstrip(b"\0 ")
        else:
            same = va == vb or str(va) == str(vb)
        if not same:
            diffs.append(where + " %r != %r" % (va, vb))


def pixels(ds):
    return ds.pixel_array


def compare(orig, other, mode):
    a = pydicom.dcmread(orig)
    b = pydicom.dcmread(other)
    diffs = []
    compare_ds(a, b, mode, "", diffs)
    if mode == "restored":
        native_a = not a.file_meta.TransferSyntaxUID.is_compressed
        native_b = not b.file_meta.TransferSyntaxUID.is_compressed
        if native_a and native_b and a.file_meta.TransferSyntaxUID == b.file_meta.TransferSyntaxUID:
            if a.PixelData != b.PixelData:
                diffs.append("Pixel Data bytes differ")
        elif not np.array_equal(pixels(a), pixels(b)):
            diffs.append("decoded pixels differ")
    else:
        if FILIGRANE_GROUP not in set(t.group for t in b.keys()):
            diffs.append("no Filigrane private block")
        if a.SOPInstanceUID == b.SOPInstanceUID:
            diffs.append("SOP Instance UID unchanged")
        pa, pb = pixels(a), pixels(b)
        if pa.shape != pb.shape:
            diffs.append("pixel shape %s != %s" % (pa.shape, pb.shape))
        else:
            d = np.abs(pa.astype(np.int64) - pb.astype(np.int64))
            print("changed pixels %d of %d, max difference %d" % (int((d > 0).sum()), d.size, int(d.max())))
    for d in diffs:
        print(d)
    return 1 if diffs else 0


def read(files):
    for f in files:
        ds = pydicom.dcmread(f)
        if "PixelData" in ds:
            ds.pixel_array
    return 0


def set_pixel(f, row, col, delta):
    ds = pydicom.dcmread(f)
    arr = ds.pixel_array.copy()
    if arr.ndim == 3:
        arr[0, row, col] += delta
    else:
        arr[row, col] += delta
    ds.PixelData = arr.astype(arr.dtype.newbyteorder("<")).tobytes()
    ds.save_as(f)
    return 0


def multiframe(out, files):
    dss = [pydicom.dcmread(f) for f in files]
    dss.sort(key=lambda d: float(d.ImagePositionPatient[2]))
    first = dss[0]
    first.PixelData = np.stack([d.pixel_array for d in dss]).astype("<u2").tobytes()
    first.NumberOfFrames = len(dss)
    first.SOPInstanceUID = generate_uid()
    first.file_meta.MediaStorageSOPInstanceUID = first.SOPInstanceUID
    first.SeriesInstanceUID = generate_uid()
    first.save_as(out)
    return 0


def main(argv):
    cmd = argv[1]
    if cmd == "compare":
        return compare(argv[2], argv[3], argv[4])
    if cmd == "read":
        return read(argv[2:])
    if cmd == "set-pixel":
        return set_pixel(argv[2], int(argv[3]), int(argv[4]), int(argv[5]))
    if cmd == "multiframe":
        return multiframe(argv[2], argv[3:])
    print(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))

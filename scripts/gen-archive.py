#!/usr/bin/python3
"""Writes a generated DICOM archive: STUDY/SERIES/IMGnnnn.dcm, one CT-like series per folder.

usage: gen-archive.py OUT SERIES SLICES ROWS COLUMNS BITS [signed|unsigned] [--seed N] [--studies K]

Pixels are a smooth phantom plus noise (so every slice has watermark capacity), in the stored range of BITS
(8: 8-bit unsigned; 12: 16 allocated, 12 stored; 16: 16 allocated and stored). Explicit VR Little Endian.
UIDs are derived from the seed, so the same command writes the same archive.
"""
import sys, os, hashlib
import numpy as np
from pydicom.dataset import Dataset, FileMetaDataset
from pydicom.uid import ExplicitVRLittleEndian

def uid(*parts):
    h = int.from_bytes(hashlib.sha256("/".join(map(str, parts)).encode()).digest()[:16], "big")
    return "2.25." + str(h)

def main(a):
    seed = 1
    studies = 4
    if "--seed" in a:
        i = a.index("--seed"); seed = int(a[i + 1]); del a[i:i + 2]
    if "--studies" in a:
        i = a.index("--studies"); studies = int(a[i + 1]); del a[i:i + 2]
    out, nseries, nslices, rows, cols, bits = a[0], int(a[1]), int(a[2]), int(a[3]), int(a[4]), int(a[5])
    signed = len(a) > 6 and a[6] == "signed"
    rng = np.random.default_rng(seed)
    alloc = 8 if bits == 8 else 16
    lo, hi = (-(1 << (bits - 1)), (1 << (bits - 1)) - 1) if signed else (0, (1 << bits) - 1)
    yy, xx = np.mgrid[0:rows, 0:cols]
    r2 = ((yy - rows / 2) / (rows / 2.2)) ** 2 + ((xx - cols / 2) / (cols / 2.2)) ** 2
    span = hi - lo
    for s in range(nseries):
        study = s % studies
        study_uid, series_uid = uid(seed, "study", study), uid(seed, "series", s)
        d = os.path.join(out, "study%03d" % study, "series%03d" % s)
        os.makedirs(d, exist_ok=True)
        for k in range(nslices):
            base = lo + span * (0.25 + 0.5 * (r2 < 1) * (1 - 0.3 * r2)) + span * 0.02 * np.sin(xx / 9.0 + k)
            img = base + rng.normal(0, span * 0.0004 + 1, size=(rows, cols))
            img = np.clip(np.rint(img), lo, hi).astype(np.int16 if signed and alloc == 16 else
                                                       np.uint16 if alloc == 16 else np.uint8)
            m = FileMetaDataset()
            m.MediaStorageSOPClassUID = "1.2.840.10008.5.1.4.1.1.2"
            m.MediaStorageSOPInstanceUID = uid(seed, "sop", s, k)
            m.TransferSyntaxUID = ExplicitVRLittleEndian
            ds = Dataset()
            ds.file_meta = m
            ds.SOPClassUID, ds.SOPInstanceUID = m.MediaStorageSOPClassUID, m.MediaStorageSOPInstanceUID
            ds.StudyInstanceUID, ds.SeriesInstanceUID = study_uid, series_uid
            ds.PatientName, ds.PatientID, ds.Modality = "Generated^%d" % study, "GEN%04d" % study, "CT"
            ds.SeriesNumber, ds.InstanceNumber = s + 1, k + 1
            ds.ImagePositionPatient = [0.0, 0.0, float(k) * 1.5]
            ds.ImageOrientationPatient = [1.0, 0.0, 0.0, 0.0, 1.0, 0.0]
            ds.PixelSpacing = [0.7, 0.7]
            ds.SliceThickness = 1.5
            ds.Rows, ds.Columns = rows, cols
            ds.SamplesPerPixel, ds.PhotometricInterpretation = 1, "MONOCHROME2"
            ds.BitsAllocated, ds.BitsStored, ds.HighBit = alloc, bits, bits - 1
            ds.PixelRepresentation = 1 if signed else 0
            ds.PixelData = img.tobytes()
            ds.is_little_endian, ds.is_implicit_VR = True, False
            ds.save_as(os.path.join(d, "IMG%04d.dcm" % k), write_like_original=False)

if __name__ == "__main__":
    main(sys.argv[1:])

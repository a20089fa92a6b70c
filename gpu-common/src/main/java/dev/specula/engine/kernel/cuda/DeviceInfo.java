package dev.specula.engine.kernel.cuda;

import jcuda.driver.CUdevice;
import jcuda.driver.CUdevice_attribute;
import jcuda.driver.JCudaDriver;

import java.util.Locale;

import static dev.specula.engine.kernel.cuda.CudaDriver.check;

/**
 * What a device is, for logs and errors.
 *
 * @param name        the device's name ("NVIDIA H200")
 * @param description name, compute capability, multiprocessors and memory ("NVIDIA H200 (sm_90, 132 SMs, 139.8 GiB)")
 */
record DeviceInfo(String name, String description) {

    /** Reads the device's name and attributes; its context must be current. */
    static DeviceInfo of(CUdevice device) {
        byte[] raw = new byte[256];
        check(JCudaDriver.cuDeviceGetName(raw, raw.length, device), "cuDeviceGetName");
        long[] total = new long[1];
        check(JCudaDriver.cuDeviceTotalMem(total, device), "cuDeviceTotalMem");
        String name = new String(raw, 0, indexOfZero(raw)).trim();
        String description = String.format(Locale.ROOT, "%s (sm_%d%d, %d SMs, %s)", name,
                attribute(device, CUdevice_attribute.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR),
                attribute(device, CUdevice_attribute.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR),
                attribute(device, CUdevice_attribute.CU_DEVICE_ATTRIBUTE_MULTIPROCESSOR_COUNT),
                DeviceMemory.bytes(total[0]));
        return new DeviceInfo(name, description);
    }

    private static int attribute(CUdevice device, int attribute) {
        int[] value = new int[1];
        check(JCudaDriver.cuDeviceGetAttribute(value, attribute, device), "cuDeviceGetAttribute " + attribute);
        return value[0];
    }

    private static int indexOfZero(byte[] bytes) {
        for (int i = 0; i < bytes.length; i++) {
            if (bytes[i] == 0) {
                return i;
            }
        }
        return bytes.length;
    }
}

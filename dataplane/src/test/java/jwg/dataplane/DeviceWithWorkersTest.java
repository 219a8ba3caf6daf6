package jwg.dataplane;

/** The device tests again, sealing on a pool of two crypto workers (order must still hold). */
class DeviceWithWorkersTest extends DeviceTest {
    @Override
    DeviceOptions options() {
        return DeviceOptions.defaults().withWorkers(2);
    }
}

'''BlueZ 5 with Bluetooth LE thermometers, for trusthub's BlueZ adapter tests.

python-dbusmock's own bluez5 template (Adapter1, Device1, AgentManager1, RemoveDevice) plus what a real bluetoothd
does for an LE central: Pair writes the bond file (<bonddir>/<adapter>/<identity>/info: LongTermKey with its key
type, IdentityResolvingKey, both least significant octet first as BlueZ writes them) and replaces a resolvable
private address by the identity address; GATT services and characteristics (GattService1, GattCharacteristic1 with
ReadValue, WriteValue, StartNotify/StopNotify and Value PropertiesChanged) that refuse unbonded access.

Parameters (JSON): {"bonddir": "/path"}. Call org.trusthub.Test.Setup on / once the mock is up.
'''

import os

import dbus

from dbusmock import mockobject
from dbusmock.templates import bluez5
# the bluez5 template's D-Bus methods (AddAdapter, AddDevice, RemoveDevice, RegisterAgent, ...) and constants
from dbusmock.templates.bluez5 import *  # noqa: F401,F403 pylint: disable=wildcard-import,unused-wildcard-import

GATT_SERVICE_IFACE = 'org.bluez.GattService1'
GATT_CHRC_IFACE = 'org.bluez.GattCharacteristic1'
TEST_IFACE = 'org.trusthub.Test'
ADAPTER = 'hci0'
ADAPTER_ADDRESS = '00:01:02:03:04:05'
ESS = '0000181a-0000-1000-8000-00805f9b34fb'
TEMPERATURE = '00002a6e-0000-1000-8000-00805f9b34fb'
INTERVAL = '00002a21-0000-1000-8000-00805f9b34fb'

BONDDIR = None
# where the hub's agent is on the bus (bluetoothd learns it from RegisterAgent's sender; the test says it)
AGENT_NAME = None
# the six digits a numeric-comparison thermometer shows
NC_PASSKEY = 482753


def _bytes(values):
    return dbus.Array([dbus.Byte(v) for v in values], signature='y')


def _changed(obj, iface, props):
    obj.props[iface].update(props)
    obj.EmitSignal(dbus.PROPERTIES_IFACE, 'PropertiesChanged', 'sa{sv}as', [iface, props, []])


def _pair_method(ltk_type, identity):
    '''Device1.Pair as bluetoothd does it for LE: SMP (not mocked), then the bond file and the property changes.'''
    def pair(device):
        if device.paired:
            raise dbus.exceptions.DBusException('Already Exists', name='org.bluez.Error.AlreadyExists')
        device.paired = True
        changed = {'Paired': dbus.Boolean(True, variant_level=1),
                   'LegacyPairing': dbus.Boolean(False, variant_level=1)}
        if identity:
            changed['Address'] = dbus.String(identity, variant_level=1)
            changed['AddressType'] = dbus.String('random', variant_level=1)
        address = identity or device.props[DEVICE_IFACE]['Address']
        if ltk_type is not None:
            directory = os.path.join(BONDDIR, ADAPTER_ADDRESS, address)
            os.makedirs(directory, exist_ok=True)
            with open(os.path.join(directory, 'info'), 'w', encoding='ascii') as f:
                f.write('[General]\nName=thermometer\nAddressType=static\nSupportedTechnologies=LE;\n'
                        'Trusted=false\nBlocked=false\n\n')
                f.write('[IdentityResolvingKey]\nKey=%s\n\n' % os.urandom(16).hex().upper())
                f.write('[LongTermKey]\nKey=%s\nAuthenticated=%d\nEncSize=16\nEDiv=0\nRand=0\n'
                        % (os.urandom(16).hex().upper(), ltk_type))
        _changed(device, DEVICE_IFACE, changed)
    return pair


def _numeric_comparison(device):
    '''SMP numeric comparison as bluetoothd runs it when the agent can show a number and take a yes: the agent's
    RequestConfirmation with the six digits; an error reply fails the pairing.'''
    manager = mockobject.objects['/org/bluez']
    agent = manager.default_agent
    if AGENT_NAME is None or agent is None \
            or manager.capabilities.get(str(agent)) not in ('DisplayYesNo', 'KeyboardDisplay'):
        return
    proxy = device.connection.get_object(AGENT_NAME, agent, introspect=False)
    try:
        proxy.RequestConfirmation(dbus.ObjectPath(device.path), dbus.UInt32(NC_PASSKEY),
                                  dbus_interface='org.bluez.Agent1', timeout=120)
    except dbus.exceptions.DBusException as e:
        raise dbus.exceptions.DBusException('Authentication Rejected: %s' % e.get_dbus_message(),
                                            name='org.bluez.Error.AuthenticationRejected')


def _comparing(pair):
    def compare_then_pair(device):
        _numeric_comparison(device)
        pair(device)
    return compare_then_pair


@dbus.service.method(TEST_IFACE, in_signature='s', out_signature='')
def AgentAt(_self, name):
    '''Where the hub's agent is on the bus.'''
    global AGENT_NAME  # pylint: disable=global-statement
    AGENT_NAME = str(name)


def _connect(device):
    device.connected = True
    _changed(device, DEVICE_IFACE, {'Connected': dbus.Boolean(True, variant_level=1),
                                    'ServicesResolved': dbus.Boolean(True, variant_level=1)})


def _bonded(chrc):
    device = mockobject.objects[str(chrc.device_path)]
    if not device.paired:
        raise dbus.exceptions.DBusException('Insufficient Authentication', name='org.bluez.Error.NotAuthorized')


def _read_value(chrc, _options):
    _bonded(chrc)
    return chrc.props[GATT_CHRC_IFACE]['Value']


def _write_value(chrc, value, options):
    _bonded(chrc)
    if 'write' not in chrc.props[GATT_CHRC_IFACE]['Flags']:
        raise dbus.exceptions.DBusException('Write Not Permitted', name='org.bluez.Error.NotPermitted')
    if options.get('type', 'request') != 'request':
        raise dbus.exceptions.DBusException('trusthub writes with requests', name='org.bluez.Error.InvalidArguments')
    chrc.props[GATT_CHRC_IFACE]['Value'] = _bytes(value)


def _start_notify(chrc):
    _bonded(chrc)
    _changed(chrc, GATT_CHRC_IFACE, {'Notifying': dbus.Boolean(True, variant_level=1)})
    # the peripheral's first notification: 22.25 degrees C
    _changed(chrc, GATT_CHRC_IFACE, {'Value': _bytes([0xB1, 0x08])})


def _stop_notify(chrc):
    _changed(chrc, GATT_CHRC_IFACE, {'Notifying': dbus.Boolean(False, variant_level=1)})


@dbus.service.method(TEST_IFACE, in_signature='oay', out_signature='')
def Notify(_self, path, value):
    '''A notification from the peripheral: the characteristic's Value changes.'''
    chrc = mockobject.objects[str(path)]
    if not chrc.props[GATT_CHRC_IFACE].get('Notifying'):
        return
    _changed(chrc, GATT_CHRC_IFACE, {'Value': _bytes(value)})


def _thermometer(mock, address, name, ltk_type, identity, numeric_comparison=False):
    device_path = bluez5.AddDevice(mock, ADAPTER, address, name)
    device = mockobject.objects[device_path]
    device.props[DEVICE_IFACE]['AddressType'] = dbus.String('random', variant_level=1)
    pair = _pair_method(ltk_type, identity)
    device.AddMethods(DEVICE_IFACE, [('Pair', '', '', _comparing(pair) if numeric_comparison else pair),
                                     ('Connect', '', '', _connect)])
    service_path = device_path + '/service000a'
    mock.AddObject(service_path, GATT_SERVICE_IFACE, {
        'UUID': dbus.String(ESS, variant_level=1),
        'Primary': dbus.Boolean(True, variant_level=1),
        'Device': dbus.ObjectPath(device_path, variant_level=1),
    }, [])
    for handle, uuid, flags, value in (('000b', TEMPERATURE, ['read', 'notify'], [0x66, 0x08]),
                                       ('000e', INTERVAL, ['read', 'write'], [0x3C, 0x00])):
        chrc_path = service_path + '/char' + handle
        mock.AddObject(chrc_path, GATT_CHRC_IFACE, {
            'UUID': dbus.String(uuid, variant_level=1),
            'Service': dbus.ObjectPath(service_path, variant_level=1),
            'Flags': dbus.Array(flags, signature='s', variant_level=1),
            'Value': _bytes(value),
            'Notifying': dbus.Boolean(False, variant_level=1),
        }, [
            ('ReadValue', 'a{sv}', 'ay', _read_value),
            ('WriteValue', 'aya{sv}', '', _write_value),
            ('StartNotify', '', '', _start_notify),
            ('StopNotify', '', '', _stop_notify),
        ])
        mockobject.objects[chrc_path].device_path = device_path


def load(mock, parameters):
    global BONDDIR  # pylint: disable=global-statement
    BONDDIR = parameters['bonddir']
    bluez5.load(mock, parameters)


@dbus.service.method(TEST_IFACE, in_signature='', out_signature='')
def Setup(mock):
    '''The adapter and the thermometers (called once the mock is on the bus: the template's load runs before).'''
    bluez5.AddAdapter(mock, ADAPTER, 'trusthub-test')
    # advertises with a resolvable private address; pairing reveals the static identity address (Secure Connections)
    _thermometer(mock, '5A:11:22:33:44:55', 'thermo-sc', 2, 'C0:51:4D:00:00:01')
    # pairs with legacy pairing only (key type 0)
    _thermometer(mock, 'C0:51:4D:00:00:02', 'thermo-legacy', 0, None)
    # pairs, but leaves no bond file the hub can read
    _thermometer(mock, 'C0:51:4D:00:00:03', 'thermo-nobond', None, None)
    # Secure Connections with a display: numeric comparison through the hub's agent when it can take a yes
    _thermometer(mock, 'C0:51:4D:00:00:04', 'thermo-display', 2, None, numeric_comparison=True)

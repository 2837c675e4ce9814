#!/usr/bin/env bash
# Stage 3: the provisioned qcow2 → dist/openoig-<version>-<arch>.ova
# (OVF 1.0 descriptor first, then a streamOptimized VMDK, then the manifest; no spaces in names).
#   scripts/make-ova.sh --disk FILE --arch i386|amd64 --version X.Y.Z [--out DIR] [--sha1]
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=scripts/lib/log.sh
source "${REPO}/scripts/lib/log.sh"

DISK="" ARCH="" VERSION="" OUT="${REPO}/dist" DIGEST=SHA256
while [[ $# -gt 0 ]]; do
  case "$1" in
    --disk) DISK="$2"; shift 2 ;;
    --arch) ARCH="$2"; shift 2 ;;
    --version) VERSION="$2"; shift 2 ;;
    --out) OUT="$2"; shift 2 ;;
    # Older ESXi releases read only SHA1 manifests.
    --sha1) DIGEST=SHA1; shift ;;
    *) die "unknown argument: $1" ;;
  esac
done
[[ -f "${DISK}" ]] || die "--disk: no such file '${DISK}'"
[[ "${VERSION}" =~ ^[0-9]+\.[0-9]+\.[0-9]+ ]] || die "--version: '${VERSION}' is not a version"
case "${ARCH}" in
  # CIM operating system ids (95 Debian, 96 Debian 64-bit) and the vSphere guest ids that
  # every supported ESXi release knows.
  i386) OS_ID=95 OS_TYPE=debian11Guest OS_TEXT="Debian GNU/Linux (32-bit)" ;;
  amd64) OS_ID=96 OS_TYPE=debian11_64Guest OS_TEXT="Debian GNU/Linux (64-bit)" ;;
  *) die "--arch must be i386 or amd64" ;;
esac

NAME="openoig-${VERSION}-${ARCH}"
WORK="$(mktemp -d)"
trap 'rm -rf "${WORK}"' EXIT

stage_begin "OVA: streamOptimized VMDK"
qemu-img convert -O vmdk -o subformat=streamOptimized,adapter_type=ide "${DISK}" "${WORK}/${NAME}-disk1.vmdk"
CAPACITY="$(qemu-img info --output=json "${DISK}" | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s)["virtual-size"]))')"
VMDK_SIZE="$(stat -c %s "${WORK}/${NAME}-disk1.vmdk")"
stage_end

stage_begin "OVA: descriptor and manifest"
cat > "${WORK}/${NAME}.ovf" <<OVF
<?xml version="1.0" encoding="UTF-8"?>
<Envelope xmlns="http://schemas.dmtf.org/ovf/envelope/1"
    xmlns:ovf="http://schemas.dmtf.org/ovf/envelope/1"
    xmlns:rasd="http://schemas.dmtf.org/wbem/wscim/1/cim-schema/2/CIM_ResourceAllocationSettingData"
    xmlns:vssd="http://schemas.dmtf.org/wbem/wscim/1/cim-schema/2/CIM_VirtualSystemSettingData"
    xmlns:vmw="http://www.vmware.com/schema/ovf"
    xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
  <References>
    <File ovf:id="file1" ovf:href="${NAME}-disk1.vmdk" ovf:size="${VMDK_SIZE}"/>
  </References>
  <DiskSection>
    <Info>Virtual disk information</Info>
    <Disk ovf:diskId="vmdisk1" ovf:fileRef="file1" ovf:capacity="${CAPACITY}" ovf:capacityAllocationUnits="byte"
        ovf:format="http://www.vmware.com/interfaces/specifications/vmdk.html#streamOptimized"/>
  </DiskSection>
  <NetworkSection>
    <Info>The network the appliance's first NIC connects to</Info>
    <Network ovf:name="VM Network">
      <Description>The LAN of the MiVoice Business controllers and the applications</Description>
    </Network>
  </NetworkSection>
  <VirtualSystem ovf:id="${NAME}">
    <Info>OpenOIG virtual appliance</Info>
    <Name>${NAME}</Name>
    <AnnotationSection>
      <Info>Deployment notes</Info>
      <Annotation>OpenOIG ${VERSION} (${ARCH}). Deploy with thick provisioning (lazy or eager zeroed) for predictable disk performance. First boot takes its settings from the properties below (zero-touch when the host name and the network mode are set) or asks for them on the console, then makes this copy's TLS certificate, database password and administrator password.</Annotation>
    </AnnotationSection>
    <ProductSection ovf:required="false">
      <Info>Product information and deployment properties</Info>
      <Product>OpenOIG</Product>
      <Vendor>OpenOIG</Vendor>
      <Version>${VERSION}</Version>
      <FullVersion>${VERSION} ${ARCH}</FullVersion>
      <ProductUrl>https://openoig.invalid/</ProductUrl>
      <Category>Administrator</Category>
      <Category>Host name and network</Category>
      <Property ovf:key="oig.hostname" ovf:type="string" ovf:userConfigurable="true" ovf:qualifiers="MaxLen(63)" ovf:value="">
        <Label>Host name</Label>
        <Description>Host name of the appliance, without the domain (1-63 letters, digits, dashes). With this and the network mode set, first boot asks nothing on the console.</Description>
      </Property>
      <Property ovf:key="oig.domain" ovf:type="string" ovf:userConfigurable="true" ovf:value="">
        <Label>Domain</Label>
        <Description>DNS domain, such as example.com (may be empty).</Description>
      </Property>
      <Property ovf:key="oig.network.mode" ovf:type="string" ovf:userConfigurable="true" ovf:qualifiers="ValueMap{&quot;static&quot;,&quot;dhcp&quot;}" ovf:value="static">
        <Label>IPv4 address from</Label>
        <Description>static: the address, prefix, gateway and DNS servers below; dhcp: from a DHCP server.</Description>
      </Property>
      <Property ovf:key="oig.ipv4.address" ovf:type="string" ovf:userConfigurable="true" ovf:value="">
        <Label>IPv4 address</Label>
        <Description>The appliance's IPv4 address (static only).</Description>
      </Property>
      <Property ovf:key="oig.ipv4.prefix" ovf:type="int" ovf:userConfigurable="true" ovf:qualifiers="MinValue(8) MaxValue(30)" ovf:value="24">
        <Label>Prefix length</Label>
        <Description>The subnet's prefix length, such as 24 for 255.255.255.0 (static only).</Description>
      </Property>
      <Property ovf:key="oig.ipv4.gateway" ovf:type="string" ovf:userConfigurable="true" ovf:value="">
        <Label>Default gateway</Label>
        <Description>A router on the same subnet (static only). First boot checks it answers; if not, the address is taken back and asked on the console.</Description>
      </Property>
      <Property ovf:key="oig.dns.servers" ovf:type="string" ovf:userConfigurable="true" ovf:value="">
        <Label>DNS servers</Label>
        <Description>One to three IPv4 addresses, separated by commas (static only).</Description>
      </Property>
      <Category>Date and time</Category>
      <Property ovf:key="oig.ntp.servers" ovf:type="string" ovf:userConfigurable="true" ovf:value="">
        <Label>NTP servers</Label>
        <Description>Up to four NTP servers, separated by commas; empty for Debian's public pool.</Description>
      </Property>
      <Property ovf:key="oig.timezone" ovf:type="string" ovf:userConfigurable="true" ovf:value="UTC">
        <Label>Time zone</Label>
        <Description>An IANA time zone, such as Europe/London or America/Toronto.</Description>
      </Property>
      <Category>Administrator, licence, restore, MiVoice Business</Category>
      <Property ovf:key="oig.admin_password" ovf:type="string" ovf:password="true" ovf:userConfigurable="true" ovf:qualifiers="MaxLen(64)" ovf:value="">
        <Label>Administrator password</Label>
        <Description>8-64 characters, no spaces, quotes, backslash or $. Empty: a one-time password is shown on the console until it is changed in the admin UI.</Description>
      </Property>
      <Property ovf:key="oig.arid" ovf:type="string" ovf:userConfigurable="true" ovf:value="">
        <Label>ARID</Label>
        <Description>The licence's ARID, activated against the licensing server at first boot (empty: activate later in Server Manager, Licensing).</Description>
      </Property>
      <Property ovf:key="oig.restore.url" ovf:type="string" ovf:userConfigurable="true" ovf:value="">
        <Label>Restore from backup (URL)</Label>
        <Description>The http or https URL of an OpenOIG backup to restore at first boot (empty: no restore). The backup brings its own settings and administrator password.</Description>
      </Property>
      <Property ovf:key="oig.restore.passphrase" ovf:type="string" ovf:password="true" ovf:userConfigurable="true" ovf:value="">
        <Label>Backup passphrase</Label>
        <Description>The passphrase of an encrypted backup (empty when it is not encrypted).</Description>
      </Property>
      <Property ovf:key="oig.mivb.address" ovf:type="string" ovf:userConfigurable="true" ovf:value="">
        <Label>MiVoice Business address</Label>
        <Description>The MiVoice Business controller to pair with, recorded as a network element (empty: add it later in Network Elements).</Description>
      </Property>
    </ProductSection>
    <EulaSection>
      <Info>Licence</Info>
      <License>OpenOIG is free software under the Apache License, Version 2.0. Debian and its packages keep their own licences (/usr/share/doc/*/copyright in the appliance).</License>
    </EulaSection>
    <OperatingSystemSection ovf:id="${OS_ID}" vmw:osType="${OS_TYPE}">
      <Info>Guest operating system</Info>
      <Description>${OS_TEXT}</Description>
    </OperatingSystemSection>
    <VirtualHardwareSection ovf:transport="com.vmware.guestInfo">
      <Info>2 vCPU, 2 GiB, one IDE disk, one E1000 NIC</Info>
      <System>
        <vssd:ElementName>Virtual Hardware Family</vssd:ElementName>
        <vssd:InstanceID>0</vssd:InstanceID>
        <vssd:VirtualSystemIdentifier>${NAME}</vssd:VirtualSystemIdentifier>
        <vssd:VirtualSystemType>vmx-13</vssd:VirtualSystemType>
      </System>
      <Item>
        <rasd:AllocationUnits>hertz * 10^6</rasd:AllocationUnits>
        <rasd:Description>Number of virtual CPUs</rasd:Description>
        <rasd:ElementName>2 virtual CPUs</rasd:ElementName>
        <rasd:InstanceID>1</rasd:InstanceID>
        <rasd:ResourceType>3</rasd:ResourceType>
        <rasd:VirtualQuantity>2</rasd:VirtualQuantity>
      </Item>
      <Item>
        <rasd:AllocationUnits>byte * 2^20</rasd:AllocationUnits>
        <rasd:Description>Memory size</rasd:Description>
        <rasd:ElementName>2048 MB of memory</rasd:ElementName>
        <rasd:InstanceID>2</rasd:InstanceID>
        <rasd:ResourceType>4</rasd:ResourceType>
        <rasd:VirtualQuantity>2048</rasd:VirtualQuantity>
      </Item>
      <Item>
        <rasd:Address>0</rasd:Address>
        <rasd:Description>IDE controller</rasd:Description>
        <rasd:ElementName>IDE 0</rasd:ElementName>
        <rasd:InstanceID>3</rasd:InstanceID>
        <rasd:ResourceType>5</rasd:ResourceType>
      </Item>
      <Item>
        <rasd:AddressOnParent>0</rasd:AddressOnParent>
        <rasd:ElementName>Hard disk 1</rasd:ElementName>
        <rasd:HostResource>ovf:/disk/vmdisk1</rasd:HostResource>
        <rasd:InstanceID>4</rasd:InstanceID>
        <rasd:Parent>3</rasd:Parent>
        <rasd:ResourceType>17</rasd:ResourceType>
      </Item>
      <Item>
        <rasd:AddressOnParent>7</rasd:AddressOnParent>
        <rasd:AutomaticAllocation>true</rasd:AutomaticAllocation>
        <rasd:Connection>VM Network</rasd:Connection>
        <rasd:Description>E1000 ethernet adapter on "VM Network"</rasd:Description>
        <rasd:ElementName>Network adapter 1</rasd:ElementName>
        <rasd:InstanceID>5</rasd:InstanceID>
        <rasd:ResourceSubType>E1000</rasd:ResourceSubType>
        <rasd:ResourceType>10</rasd:ResourceType>
      </Item>
      <vmw:Config ovf:required="false" vmw:key="tools.syncTimeWithHost" vmw:value="false"/>
    </VirtualHardwareSection>
  </VirtualSystem>
</Envelope>
OVF

digest_of() {
  if [[ "${DIGEST}" == SHA1 ]]; then sha1sum "$1" | cut -d' ' -f1; else sha256sum "$1" | cut -d' ' -f1; fi
}
(
  cd "${WORK}"
  for f in "${NAME}.ovf" "${NAME}-disk1.vmdk"; do printf '%s(%s)= %s\n' "${DIGEST}" "${f}" "$(digest_of "${f}")"; done
) > "${WORK}/${NAME}.mf"
stage_end

stage_begin "OVA: tar"
mkdir -p "${OUT}"
# ustar, the descriptor first: vSphere reads the archive as a stream.
tar --format=ustar --owner=0 --group=0 --numeric-owner -C "${WORK}" -cf "${OUT}/${NAME}.ova.partial" \
  "${NAME}.ovf" "${NAME}-disk1.vmdk" "${NAME}.mf"
mv "${OUT}/${NAME}.ova.partial" "${OUT}/${NAME}.ova"
stage_end
log_info "built ${OUT}/${NAME}.ova ($(du -h "${OUT}/${NAME}.ova" | cut -f1))"
printf '%s\n' "${OUT}/${NAME}.ova"

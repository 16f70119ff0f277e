package machine

import (
	"encoding/binary"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/rvemu/rvemu/fdt"
)

func cell(t *testing.T, n *fdt.Node, prop string, i int) uint32 {
	t.Helper()
	v, ok := n.Prop(prop)
	require.True(t, ok, "property %s of %s", prop, n.Name)
	require.Greater(t, len(v), 4*i)
	return binary.BigEndian.Uint32(v[4*i:])
}

func str(t *testing.T, n *fdt.Node, prop string) string {
	t.Helper()
	v, ok := n.Prop(prop)
	require.True(t, ok, "property %s of %s", prop, n.Name)
	return strings.TrimRight(string(v), "\x00")
}

func TestDeviceTreeRoundTrip(t *testing.T) {
	for _, harts := range []int{1, 3} {
		t.Run(fmt.Sprintf("%d harts", harts), func(t *testing.T) {
			blob := fdt.Encode(deviceTree(harts, 256<<20), 0)
			root, err := fdt.Decode(blob)
			require.NoError(t, err)

			mem := root.Child("memory@80000000")
			require.NotNil(t, mem)
			assert.Equal(t, regCells(RAMBase, 256<<20), mustProp(t, mem, "reg"))

			cpus := root.Child("cpus")
			require.NotNil(t, cpus)
			assert.Equal(t, uint32(TimebaseHz), cell(t, cpus, "timebase-frequency", 0))
			assert.Len(t, cpus.Children, harts)
			for h, c := range cpus.Children {
				assert.Equal(t, fmt.Sprintf("cpu@%d", h), c.Name)
				assert.Equal(t, uint32(h), cell(t, c, "reg", 0))
				assert.Equal(t, hartISA, str(t, c, "riscv,isa"))
				intc := c.Child("interrupt-controller")
				require.NotNil(t, intc)
				_, ok := intc.Prop("interrupt-controller")
				assert.True(t, ok)
			}

			soc := root.Child("soc")
			require.NotNil(t, soc)
			tests := []struct {
				node, compatible string
				base             uint64
			}{
				{"test@100000", "sifive,test1", finisherBase},
				{"clint@2000000", "sifive,clint0", clintBase},
				{"plic@c000000", "sifive,plic-1.0.0", plicBase},
				{"serial@10000000", "ns16550a", uartBase},
				{"virtio_mmio@10001000", "virtio,mmio", virtioBase},
				{"pci@30000000", "pci-host-ecam-generic", pcieECAMBase},
			}
			for _, tc := range tests {
				n := soc.Child(tc.node)
				require.NotNil(t, n, tc.node)
				assert.Equal(t, tc.compatible, strings.Split(str(t, n, "compatible"), "\x00")[0])
				assert.Equal(t, uint32(tc.base), cell(t, n, "reg", 1))
			}
			assert.Equal(t, uint32(uartIRQ), cell(t, soc.Child("serial@10000000"), "interrupts", 0))
			assert.Equal(t, uint32(virtioIRQ), cell(t, soc.Child("virtio_mmio@10001000"), "interrupts", 0))
			assert.Equal(t, "/soc/serial@10000000", str(t, root.Child("chosen"), "stdout-path"))
			// Each hart has M and S external interrupts wired from the PLIC.
			plic, _ := soc.Child("plic@c000000").Prop("interrupts-extended")
			assert.Len(t, plic, 4*4*harts)
		})
	}
}

func mustProp(t *testing.T, n *fdt.Node, name string) []byte {
	t.Helper()
	v, ok := n.Prop(name)
	require.True(t, ok, name)
	return v
}

func TestPCIeIRQSwizzle(t *testing.T) {
	// NETLAB.md: the E1000 in slot 1, INTA, reaches PLIC source 33.
	assert.Equal(t, 33, pcieIRQ(1, 1))
	assert.Equal(t, 32, pcieIRQ(0, 1))
	assert.Equal(t, 32, pcieIRQ(1, 4))
}

// TestDeviceTreeDTC proves the blob is valid for the reference tool: dtc
// decompiles it without errors or warnings about its structure.
func TestDeviceTreeDTC(t *testing.T) {
	blob := fdt.Encode(deviceTree(2, DefaultRAMSize), 0)
	path := filepath.Join(t.TempDir(), "virt.dtb")
	require.NoError(t, os.WriteFile(path, blob, 0o644))
	out, err := exec.Command("dtc", "-I", "dtb", "-O", "dts", path).CombinedOutput()
	require.NoError(t, err, "dtc (package device-tree-compiler): %s", out)
	dts := string(out)
	assert.Contains(t, dts, `compatible = "ns16550a";`)
	assert.Contains(t, dts, `riscv,isa = "`+hartISA+`";`)
	assert.NotContains(t, dts, "Warning")
}

func TestFDTAddress(t *testing.T) {
	tests := []struct {
		ram uint64
		top uint64 // the blob ends below this, within 64 KiB
	}{
		{DefaultRAMSize, RAMBase + DefaultRAMSize},
		{1 << 30, RAMBase + 1<<30},
		{3 << 30, 3 << 30}, // large RAM: below 3 GiB, where 32-bit code reaches
		{4 << 30, 3 << 30},
	}
	for _, tc := range tests {
		addr := fdtAddress(tc.ram, 5000)
		assert.Zero(t, addr%4096)
		assert.GreaterOrEqual(t, addr, tc.top-64<<10, "RAM %d MiB", tc.ram>>20)
		assert.LessOrEqual(t, addr+5000, tc.top, "RAM %d MiB", tc.ram>>20)
	}
}

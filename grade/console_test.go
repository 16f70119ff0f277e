package grade

import (
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestConsoleCountsPrompts(t *testing.T) {
	tests := []struct {
		name   string
		writes []string
		want   int
	}{
		{"one prompt", []string{"init: starting sh\n$ "}, 1},
		{"split across writes", []string{"init: starting sh\n$", " "}, 1},
		{"prompt then output", []string{"$ ", "nettests\n", "OK\n", "$ "}, 2},
		{"byte by byte", []string{"$", " ", "l", "s", "\n", "$", " "}, 2},
		{"dollar without space", []string{"cost $5\n", "$\n"}, 0},
		{"two in one write", []string{"$ $ "}, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := NewConsole(nil)
			for _, w := range tt.writes {
				_, err := c.Write([]byte(w))
				require.NoError(t, err)
			}
			got, _, _ := c.State()
			assert.Equal(t, tt.want, got)
		})
	}
}

func TestConsoleTypeAndClose(t *testing.T) {
	c := NewConsole(nil)
	c.Type("nettests")
	buf := make([]byte, 64)
	n, err := c.In().Read(buf)
	require.NoError(t, err)
	assert.Equal(t, "nettests\n", string(buf[:n]))
	c.Close()
	_, err = c.In().Read(buf)
	assert.ErrorIs(t, err, io.EOF)
}

func TestConsoleArrivedAt(t *testing.T) {
	c := NewConsole(nil)
	c.Write([]byte("abc"))
	c.Write([]byte("def"))
	assert.False(t, c.ArrivedAt(0).IsZero())
	assert.False(t, c.ArrivedAt(0).After(c.ArrivedAt(4)))
	assert.True(t, c.ArrivedAt(6).IsZero(), "not written yet")
}

func TestFindTimeFile(t *testing.T) {
	root := t.TempDir()
	kdir := filepath.Join(root, "lab", "kernel")
	require.NoError(t, os.MkdirAll(kdir, 0o755))
	kernel := filepath.Join(kdir, "kernel")
	require.NoError(t, os.WriteFile(kernel, nil, 0o644))
	t.Chdir(root)

	assert.Equal(t, "", FindTimeFile(kernel), "none anywhere")

	labTime := filepath.Join(root, "lab", "time.txt")
	require.NoError(t, os.WriteFile(labTime, []byte("7\n"), 0o644))
	assert.Equal(t, labTime, FindTimeFile(kernel), "the lab tree's, above kernel/")

	require.NoError(t, os.WriteFile(filepath.Join(root, "time.txt"), []byte("3\n"), 0o644))
	assert.Equal(t, "time.txt", FindTimeFile(kernel), "the current directory first")
}

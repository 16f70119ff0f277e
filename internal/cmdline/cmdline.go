// Package cmdline reads a command's options the way GNU tools do: options
// and operands in any order ("boot kernel --disk fs.img" and "boot --disk
// fs.img kernel" are the same), --name=value or --name value, -name for
// Go-style spellings, and "--" ends the options. A mistake is one error
// naming the option; the help it writes fits 80 columns.
package cmdline

import (
	"errors"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"
	"time"
)

// ErrHelp is returned by Parse when the line asks for help (-h, --help).
var ErrHelp = errors.New("help requested")

// Error is a mistake on the command line, in one line: the option as
// written and what is wrong with it.
type Error struct {
	Option string // "--timeout" or "" when the error is about the operands
	Msg    string
}

func (e *Error) Error() string {
	if e.Option == "" {
		return e.Msg
	}
	return e.Option + ": " + e.Msg
}

// Option is one option of a Set.
type Option struct {
	names   []string // long name first
	arg     string   // value placeholder; "" for a switch
	help    string
	def     string // default shown in help; "" for none
	repeat  bool
	set     func(string) error
	section string // heading printed before this option in help
	seen    bool
	value   string // as last given
}

// Set is the options of one command.
type Set struct {
	command string // "rvemu boot": names the command in help
	usage   string // operands after [OPTIONS]: "KERNEL"
	about   string // paragraphs between the usage line and the options
	more    string // text after the options (details, examples)

	opts    []*Option
	index   map[string]*Option
	section string // heading for the options defined next
}

// New starts a set for command, whose operands read as usage ("KERNEL").
func New(command, usage string) *Set {
	return &Set{command: command, usage: usage, index: map[string]*Option{}}
}

// Describe sets the text shown before the options (about) and after them
// (more); both are wrapped to 80 columns, paragraph by paragraph, except
// lines that start with spaces (examples, tables), which are kept.
func (s *Set) Describe(about, more string) { s.about, s.more = about, more }

// Section makes the options defined next appear under title in help.
func (s *Set) Section(title string) { s.section = title }

// add registers an option under names, a comma-separated list whose first
// name is the long one ("memory,m").
func (s *Set) add(names, arg, help, def string, repeat bool, set func(string) error) *Option {
	o := &Option{names: strings.Split(names, ","), arg: arg, help: help, def: def, repeat: repeat, set: set, section: s.section}
	s.section = ""
	for _, n := range o.names {
		if _, dup := s.index[n]; dup {
			panic("cmdline: option " + n + " defined twice")
		}
		s.index[n] = o
	}
	s.opts = append(s.opts, o)
	return o
}

// Bool defines a switch: present means true (--name=false also works).
func (s *Set) Bool(p *bool, names, help string) {
	s.add(names, "", help, "", false, func(v string) error {
		b, err := strconv.ParseBool(v)
		if err != nil {
			return fmt.Errorf("%q is not true or false", v)
		}
		*p = b
		return nil
	})
}

// String defines an option with a value; *p's current value is the default.
func (s *Set) String(p *string, names, arg, help string) {
	s.add(names, arg, help, *p, false, func(v string) error { *p = v; return nil })
}

// Strings defines a repeatable option; each use appends its value.
func (s *Set) Strings(p *[]string, names, arg, help string) {
	s.add(names, arg, help, "", true, func(v string) error { *p = append(*p, v); return nil })
}

// Int defines an integer option; *p's current value is the default (0 is
// not shown).
func (s *Set) Int(p *int, names, arg, help string) {
	def := ""
	if *p != 0 {
		def = strconv.Itoa(*p)
	}
	s.add(names, arg, help, def, false, func(v string) error {
		n, err := strconv.Atoi(v)
		if err != nil {
			return fmt.Errorf("%q is not a whole number", v)
		}
		*p = n
		return nil
	})
}

// Duration defines a time option: Go durations ("30s", "2m", "1h30m") or a
// plain number of seconds, as timeout(1) takes it.
func (s *Set) Duration(p *time.Duration, names, arg, help string) {
	def := ""
	if *p != 0 {
		def = p.String()
	}
	s.add(names, arg, help, def, false, func(v string) error {
		d, err := ParseDuration(v)
		if err != nil {
			return err
		}
		*p = d
		return nil
	})
}

// Func defines an option whose value fn checks and stores; def is the
// default shown in help.
func (s *Set) Func(names, arg, def, help string, fn func(string) error) {
	s.add(names, arg, help, def, false, fn)
}

// ParseDuration reads a Go duration or a plain number of seconds.
func ParseDuration(v string) (time.Duration, error) {
	if secs, err := strconv.ParseFloat(v, 64); err == nil && secs >= 0 && secs < 1e9 {
		return time.Duration(secs * float64(time.Second)), nil
	}
	d, err := time.ParseDuration(v)
	if err != nil || d < 0 {
		return 0, fmt.Errorf("%q is not a duration (like 30, 30s, 2m or 1h30m)", v)
	}
	return d, nil
}

// Seen reports whether the option named name was on the command line.
func (s *Set) Seen(name string) bool {
	o, ok := s.index[name]
	return ok && o.seen
}

// Parse reads args (without the command's own name) and returns the
// operands in order. Options may come before, between or after operands.
func (s *Set) Parse(args []string) ([]string, error) {
	var operands []string
	for i := 0; i < len(args); i++ {
		arg := args[i]
		if arg == "--" {
			return append(operands, args[i+1:]...), nil
		}
		if len(arg) < 2 || arg[0] != '-' {
			operands = append(operands, arg)
			continue
		}
		spelled, value, hasValue := strings.Cut(arg, "=")
		name := strings.TrimPrefix(strings.TrimPrefix(spelled, "-"), "-")
		if name == "h" || name == "help" {
			return operands, ErrHelp
		}
		o, ok := s.index[name]
		if !ok {
			return operands, &Error{Option: spelled, Msg: "unknown option" + s.suggest(name)}
		}
		switch {
		case o.arg == "" && !hasValue:
			value = "true"
		case o.arg != "" && !hasValue:
			if i+1 >= len(args) {
				return operands, &Error{Option: spelled, Msg: "needs a value (" + o.arg + ")"}
			}
			i++
			value = args[i]
		}
		// The same value again changes nothing (a script adding --stats
		// to a line that has it); another value is a mistake to name.
		if o.seen && !o.repeat {
			if value == o.value {
				continue
			}
			return operands, &Error{Option: spelled, Msg: "given twice"}
		}
		o.seen, o.value = true, value
		if err := o.set(value); err != nil {
			var ce *Error
			if errors.As(err, &ce) {
				return operands, err
			}
			return operands, &Error{Option: spelled, Msg: err.Error()}
		}
	}
	return operands, nil
}

// suggest names the closest known option for a misspelt one.
func (s *Set) suggest(name string) string {
	best, bestDist := "", 3
	for n := range s.index {
		if d := EditDistance(name, n); d < bestDist || (d == bestDist && n < best) {
			best, bestDist = n, d
		}
	}
	if best == "" || len(best) == 1 {
		return ""
	}
	return " (did you mean --" + best + "?)"
}

// EditDistance is the edit distance between a and b (insertions, deletions,
// substitutions): a typo's distance from an option, grade's closest line.
func EditDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

// Width is the terminal width help is laid out for.
const Width = 80

// helpColumn is where option descriptions start; longer labels put the
// description on the next line.
const helpColumn = 26

// WriteHelp writes the command's help.
func (s *Set) WriteHelp(w io.Writer) {
	var b strings.Builder
	fmt.Fprintf(&b, "Usage: %s [OPTIONS] %s\n", s.command, s.usage)
	if s.about != "" {
		b.WriteString("\n")
		b.WriteString(Wrap(s.about, 0))
	}
	b.WriteString("\nOptions:\n")
	for _, o := range s.opts {
		if o.section != "" {
			fmt.Fprintf(&b, "\n%s:\n", o.section)
		}
		label := "  " + o.label()
		text := o.help
		if o.def != "" {
			text += " (default " + o.def + ")"
		}
		pad := strings.Repeat(" ", helpColumn)
		lines := strings.Split(strings.TrimSuffix(Wrap(text, helpColumn), "\n"), "\n")
		if len(label) > helpColumn-2 {
			b.WriteString(label + "\n")
		} else {
			lines[0] = label + strings.Repeat(" ", helpColumn-len(label)) + strings.TrimPrefix(lines[0], pad)
		}
		for _, l := range lines {
			b.WriteString(l + "\n")
		}
	}
	b.WriteString(fmt.Sprintf("  -h, --help%shelp for %s\n", strings.Repeat(" ", helpColumn-12), s.command))
	if s.more != "" {
		b.WriteString("\n")
		b.WriteString(Wrap(s.more, 0))
	}
	io.WriteString(w, b.String())
}

// label is "-m, --memory SIZE": short names first, then the long one.
func (o *Option) label() string {
	names := append([]string(nil), o.names...)
	sort.SliceStable(names, func(i, j int) bool { return len(names[i]) == 1 && len(names[j]) != 1 })
	parts := make([]string, len(names))
	for i, n := range names {
		if len(n) == 1 {
			parts[i] = "-" + n
		} else {
			parts[i] = "--" + n
		}
	}
	l := strings.Join(parts, ", ")
	if o.arg != "" {
		l += " " + o.arg
	}
	return l
}

// Wrap fills text to Width-1 columns with every line indented by indent
// spaces. Paragraphs are separated by blank lines; a line that starts with
// a space is kept as it is (examples, tables).
func Wrap(text string, indent int) string {
	var b strings.Builder
	pad := strings.Repeat(" ", indent)
	var words []string
	flush := func() {
		line := pad
		for _, wd := range words {
			if len(line) > indent && len(line)+1+len(wd) > Width-1 {
				b.WriteString(line + "\n")
				line = pad
			}
			if len(line) > indent {
				line += " "
			}
			line += wd
		}
		if len(words) > 0 {
			b.WriteString(line + "\n")
		}
		words = words[:0]
	}
	for _, l := range strings.Split(strings.TrimRight(text, "\n"), "\n") {
		switch {
		case strings.TrimSpace(l) == "":
			flush()
			b.WriteString("\n")
		case l[0] == ' ':
			flush()
			b.WriteString(pad + l + "\n")
		default:
			words = append(words, strings.Fields(l)...)
		}
	}
	flush()
	return b.String()
}

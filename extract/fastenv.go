package extract

// The fast path of EnvironmentUpdate
//
// An EnvironmentUpdate is read once per attempt, but on Databricks it
// carries a few hundred KB (the classpath, Hadoop and system properties),
// of which the model keeps only Spark Properties. fastEnvironmentUpdate
// checks the whole line and reads Spark Properties as onEnvironmentUpdate
// does (string values, unescaped; others skipped; a later duplicate
// overwrites an earlier one). A Spark Properties that is not an object, a
// missing or duplicated one, or an escaped key goes to the fastjson path.

var envOrder = newOrder(func(k []byte) int {
	switch string(k) {
	case "Event":
		return 2
	case "Spark Properties":
		return 1
	}
	return 0
}, "Event", "JVM Information", "Spark Properties")

// property is one Spark property read from an EnvironmentUpdate.
type property struct{ key, value string }

func (b *Builder) fastEnvironmentUpdate(line []byte, i int) bool {
	var props []property
	ok := scanEvent(line, i, envOrder, func(l []byte, i, m int) int {
		if m == 1 {
			return b.scanProperties(l, i, &props)
		}
		return skipValue(l, i, 1)
	}, 1)
	if !ok {
		return false
	}
	if b.app.props == nil {
		b.app.props = make(map[string]string, len(props))
	}
	for _, p := range props {
		b.app.props[p.key] = p.value
	}
	return true
}

// scanProperties reads the string members of the object at i, in order.
func (b *Builder) scanProperties(l []byte, i int, out *[]property) int {
	it := objIter{}
	it.init(l, openObject(l, i))
	for it.next() {
		if it.keyEsc {
			return -1
		}
		if it.i >= len(l) || l[it.i] != '"' {
			it.i = skipValue(l, it.i, 2)
			continue
		}
		var s []byte
		s, it.i = b.readBytes(l, it.i)
		*out = append(*out, property{string(it.key), string(s)})
	}
	return it.end()
}

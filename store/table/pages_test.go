package table_test

import (
	"bytes"
	"context"
	"fmt"
	"testing"

	"github.com/parquet-go/parquet-go"
	"github.com/parquet-go/parquet-go/encoding/thrift"
	"github.com/parquet-go/parquet-go/format"

	"github.com/sparkmine/sparkmine/store/table"
)

// TestDataPagesV1 walks every page header of every column chunk: only
// dictionary pages and version 1 data pages (no DATA_PAGE_V2, which older
// readers refuse), and only encodings every engine reads — also in a
// column whose dictionary outgrows its bound and goes on in PLAIN.
func TestDataPagesV1(t *testing.T) {
	rows := make([]event, 20000)
	for i := range rows {
		rows[i] = event{ID: fmt.Sprintf("app-%06d-%0100d", i, i), At: int64(i), Tags: []string{"a", "b"}, Items: []item{{Key: "k", Value: 1}}}
		if i%3 == 0 {
			rows[i].Parent = new(int64)
		}
	}
	st := newMemStore()
	keys, err := table.WriteTable(context.Background(), st, "events", rows, func(event) string { return "2025-11-25" }, run)
	if err != nil {
		t.Fatal(err)
	}
	data := st.objects[keys[0]]
	f, err := parquet.OpenFile(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, rg := range f.Metadata().RowGroups {
		for _, cc := range rg.Columns {
			for _, h := range pageHeaders(t, data, cc.MetaData) {
				kind := h.Type.String()
				switch h.Type {
				case format.DataPage:
					kind += "/" + h.DataPageHeader.V.Encoding.String()
				case format.DictionaryPage:
				default:
					t.Errorf("column %v: a %v page", cc.MetaData.PathInSchema, h.Type)
				}
				seen[kind] = true
			}
			for _, e := range cc.MetaData.Encoding {
				if !readable[e] {
					t.Errorf("column %v: encoding %v", cc.MetaData.PathInSchema, e)
				}
			}
		}
	}
	// The long ids outgrow the dictionary bound: PLAIN pages follow.
	for _, want := range []string{"DICTIONARY_PAGE", "DATA_PAGE/RLE_DICTIONARY", "DATA_PAGE/PLAIN"} {
		if !seen[want] {
			t.Errorf("no %s page; saw %v", want, seen)
		}
	}
}

var readable = map[format.Encoding]bool{format.Plain: true, format.RLEDictionary: true, format.PlainDictionary: true, format.RLE: true, format.BitPacked: true}

// pageHeaders decodes the page headers of one column chunk.
func pageHeaders(t *testing.T, file []byte, md format.ColumnMetaData) []format.PageHeader {
	t.Helper()
	off := md.DataPageOffset
	if md.DictionaryPageOffset > 0 && md.DictionaryPageOffset < off {
		off = md.DictionaryPageOffset
	}
	end := off + md.TotalCompressedSize
	var hs []format.PageHeader
	for off < end {
		r := bytes.NewReader(file[off:end])
		var h format.PageHeader
		if err := thrift.NewDecoder(new(thrift.CompactProtocol).NewReader(r)).Decode(&h); err != nil {
			t.Fatalf("column %v: page header at %d: %v", md.PathInSchema, off, err)
		}
		off = end - int64(r.Len()) + int64(h.CompressedPageSize)
		hs = append(hs, h)
	}
	return hs
}

// Made-up definitions for the generator tests, in the shape of Spark's
// config builders.
package object config {

  private[spark] val GADGET_LEVEL = ConfigBuilder("spark.gadget.level")
    .doc("Level; the docs say 3 but the definition says 5.")
    .version("9.9.0")
    .intConf
    .checkValue(v => v >= 1 && v <= 9, "between 1 and 9")
    .createWithDefault(5)

  private[spark] val GADGET_CORES = ConfigBuilder(Keys.GADGET_CORES)
    .intConf
    .checkValue(_ > 0, "positive")
    .createWithDefault(2)

  private[spark] val GADGET_MEMORY = ConfigBuilder("spark.gadget.memory")
    .bytesConf(ByteUnit.MiB)
    .createWithDefault(64)

  private[spark] val GADGET_BLOCK = ConfigBuilder("spark.gadget.block")
    .bytesConf(ByteUnit.BYTE)
    .createWithDefault(4 * 1024 * 1024)

  private[spark] val GADGET_LIMIT = ConfigBuilder("spark.gadget.limit")
    .bytesConf(ByteUnit.BYTE)
    .createWithDefaultString("10MB")

  private[spark] val GADGET_IDLE = ConfigBuilder("spark.gadget.idle")
    .timeConf(TimeUnit.SECONDS)
    // a comment between links
    .checkValue(_ >= 0L, "not negative")
    .createWithDefault(120)

  private[spark] val GADGET_KILL = ConfigBuilder("spark.gadget.kill")
    .timeConf(TimeUnit.MILLISECONDS)
    .createWithDefault(-1)

  private[spark] val GADGET_TTL = ConfigBuilder("spark.gadget.ttl")
    .timeConf(TimeUnit.MILLISECONDS)
    .createWithDefault(TimeUnit.MINUTES.toMillis(10))

  private[spark] val GADGET_FRACTION = ConfigBuilder("spark.gadget.fraction")
    .doubleConf
    .checkValue(v => v > 0.0 && v < 1.0, "in (0, 1)")
    .createWithDefault(0.75d)

  private[spark] val GADGET_MAX = ConfigBuilder("spark.gadget.max")
    .longConf
    .createWithDefault(Long.MaxValue)

  private[spark] val GADGET_FLAG = ConfigBuilder("spark.gadget.flag")
    .booleanConf
    .createWithDefault(!Utils.isTesting)

  private[spark] val GADGET_STYLE = ConfigBuilder("spark.gadget.style")
    .stringConf
    .transform(_.toLowerCase(Locale.ROOT))
    .checkValues(Set("plain", "fancy"))
    .createWithDefault("plain")

  private[spark] val GADGET_LOG = ConfigBuilder("spark.gadget.log")
    .stringConf
    .checkValue(l => Set("INFO", "WARN").contains(l), "a level")
    .createWithDefault("INFO")

  object GadgetShape extends Enumeration {
    val ROUND, SQUARE = Value
  }

  private[spark] val GADGET_SHAPE = ConfigBuilder("spark.gadget.shape")
    .doc("Shape; a doc with a fake .internal() call and createWithDefault(9) inside a string.")
    .stringConf
    .checkValues(GadgetShape.values.map(_.toString))
    .createWithDefault(GadgetShape.SQUARE.toString)

  private[spark] val GADGET_CODEC = ConfigBuilder("spark.gadget.codec")
    .stringConf
    .createWithDefault(GadgetCodecs.DEFAULT)

  private[spark] val GADGET_LIST = ConfigBuilder("spark.gadget.list")
    .stringConf
    .toSequence
    .createWithDefault(Nil)

  private[spark] val GADGET_WAIT = ConfigBuilder("spark.gadget.wait")
    .fallbackConf(GADGET_IDLE)

  private[spark] val GADGET_OPTIONAL = ConfigBuilder("spark.gadget.optional")
    .intConf
    .createOptional

  private[spark] val GADGET_INTERNAL = ConfigBuilder("spark.gadget.internal")
    .internal()
    .booleanConf
    .createWithDefault(false)

  private[spark] val GADGET_KEPT = ConfigBuilder("spark.gadget.kept")
    .internal()
    .booleanConf
    .createWithDefault(true)

  private[spark] val GADGET_HIDDEN = ConfigBuilder("spark.gadget.hidden")
    .internal()
    .booleanConf
    .createWithDefault(false)

  private[spark] val GADGET_LEGACY = ConfigBuilder("spark.gadget.legacy")
    .doc("(Deprecated since 9.0) use spark.gadget.level")
    .intConf
    .createWithDefault(1)

  private[spark] val GADGET_GONE = ConfigBuilder("spark.gadget.gone")
    .intConf
    .createWithDefault(1)

  private[spark] val GADGET_PASSWORD = ConfigBuilder("spark.gadget.password")
    .stringConf
    .createOptional

  val deprecated = Seq(
    DeprecatedConfig(GADGET_GONE.key, "9.0", "gone"),
    RemovedConfig("spark.gadget.removed", "9.0.0", "1", "removed"))
}

package gen

import (
	"fmt"
	"strconv"
)

const sparkVersion = "3.5.3"

// writePreamble writes the events a 3.5 driver logs before any executor:
// LogStart, ResourceProfileAdded, the driver's BlockManagerAdded,
// EnvironmentUpdate and ApplicationStart.
func (g *gen) writePreamble(start int64) {
	l := &g.l
	g.begin("SparkListenerLogStart", start)
	l.str("Spark Version", sparkVersion)
	g.end()
	g.writeResourceProfile(start)
	g.writeBlockManagerAdded("driver", g.driverHost(), 36000+g.r.Int64N(9000), start+900+g.r.Int64N(400))
	g.writeEnvironment(start)
	g.begin("SparkListenerApplicationStart", start)
	l.str("App Name", g.spec.AppName)
	l.str("App ID", g.spec.AppID)
	l.int("Timestamp", start)
	l.str("User", g.spec.User)
	l.str("App Attempt ID", "1")
	logs := "http://" + g.driverHost() + ":8042/node/containerlogs/" + g.containerID(1) + "/" + g.spec.User + "/"
	l.strMap("Driver Logs", []kv{{"stdout", logs + "stdout?start=-4096"}, {"stderr", logs + "stderr?start=-4096"}})
	l.strMap("Driver Attributes", []kv{
		{"NM_HTTP_ADDRESS", g.driverHost() + ":8042"}, {"USER", g.spec.User}, {"LOG_FILES", "stderr,stdout"},
		{"NM_HTTP_PORT", "8042"}, {"CLUSTER_ID", ""}, {"NM_PORT", "8041"}, {"HTTP_SCHEME", "http://"},
		{"NM_HOST", g.driverHost()}, {"CONTAINER_ID", g.containerID(1)},
	})
	g.end()
}

func (g *gen) driverHost() string {
	return fmt.Sprintf("ip-10-%d-31-7.ec2.internal", 16+int(g.spec.Seed&7))
}

func (g *gen) writeResourceProfile(at int64) {
	l := &g.l
	g.begin("SparkListenerResourceProfileAdded", at)
	l.int("Resource Profile Id", 0)
	l.obj("Executor Resource Requests")
	req := func(name string, amount int64) {
		l.obj(name)
		l.str("Resource Name", name)
		l.int("Amount", amount)
		l.str("Discovery Script", "")
		l.str("Vendor", "")
		l.close('}')
	}
	req("memoryOverhead", int64(g.spec.ExecutorMemoryMB)/10)
	req("cores", int64(g.spec.ExecutorCores))
	req("memory", int64(g.spec.ExecutorMemoryMB))
	req("offHeap", 0)
	l.close('}')
	l.obj("Task Resource Requests")
	l.obj("cpus")
	l.str("Resource Name", "cpus")
	l.key("Amount")
	l.b = append(l.b, "1.0"...)
	l.close('}')
	l.close('}')
	g.end()
}

// appEnd writes ApplicationEnd; a failed app carries exit code 1.
func (g *gen) appEnd(at int64, failed bool) {
	g.begin("SparkListenerApplicationEnd", at)
	g.l.int("Timestamp", at)
	if failed {
		g.l.int("ExitCode", 1)
	}
	g.end()
}

func (g *gen) writeEnvironment(at int64) {
	l := &g.l
	g.begin("SparkListenerEnvironmentUpdate", at)
	l.strMap("JVM Information", []kv{
		{"Java Home", "/usr/lib/jvm/java-17-amazon-corretto.x86_64"},
		{"Java Version", "17.0.13 (Amazon.com Inc.)"}, {"Scala Version", "version 2.12.18"},
	})
	l.strMap("Spark Properties", g.sparkProperties())
	l.strMap("Hadoop Properties", hadoopProperties)
	l.strMap("System Properties", g.systemProperties())
	l.strMap("Metrics Properties", []kv{
		{"*.sink.servlet.class", "org.apache.spark.metrics.sink.MetricsServlet"},
		{"*.sink.servlet.path", "/metrics/json"},
		{"applications.sink.servlet.path", "/metrics/applications/json"},
		{"master.sink.servlet.path", "/metrics/master/json"},
	})
	l.strMap("Classpath Entries", classpath())
	g.end()
}

// sparkProperties is the app's Spark configuration, in the order the
// driver logs it.
func (g *gen) sparkProperties() []kv {
	s := g.spec
	mem := strconv.Itoa(s.ExecutorMemoryMB) + "m"
	return []kv{
		{"spark.app.name", s.AppName},
		{"spark.app.id", s.AppID},
		{"spark.app.attempt.id", "1"},
		{"spark.app.startTime", strconv.FormatInt(s.Start.UnixMilli(), 10)},
		{"spark.app.submitTime", strconv.FormatInt(s.Start.UnixMilli()-9200, 10)},
		{"spark.master", "yarn"},
		{"spark.submit.deployMode", "cluster"},
		{"spark.yarn.queue", s.Queue},
		{"spark.yarn.app.id", s.AppID},
		{"spark.yarn.maxAppAttempts", "1"},
		{"spark.driver.host", g.driverHost()},
		{"spark.driver.port", "45555"},
		{"spark.driver.memory", "4g"},
		{"spark.driver.cores", "2"},
		{"spark.driver.maxResultSize", "4g"},
		{"spark.executor.id", "driver"},
		{"spark.executor.instances", strconv.Itoa(s.Executors)},
		{"spark.executor.cores", strconv.Itoa(s.ExecutorCores)},
		{"spark.executor.memory", mem},
		{"spark.executor.memoryOverhead", strconv.Itoa(s.ExecutorMemoryMB/10) + "m"},
		{"spark.dynamicAllocation.enabled", "false"},
		{"spark.shuffle.service.enabled", "true"},
		{"spark.sql.adaptive.enabled", "true"},
		{"spark.sql.adaptive.skewJoin.enabled", "true"},
		{"spark.sql.shuffle.partitions", strconv.Itoa(s.TasksPerStage)},
		{"spark.sql.files.maxPartitionBytes", "134217728"},
		{"spark.sql.warehouse.dir", "s3://acme-datalake/warehouse"},
		{"spark.sql.catalogImplementation", "hive"},
		{"spark.serializer", "org.apache.spark.serializer.KryoSerializer"},
		{"spark.serializer.objectStreamReset", "100"},
		{"spark.rdd.compress", "True"},
		{"spark.task.maxFailures", "4"},
		{"spark.speculation", "false"},
		{"spark.eventLog.enabled", "true"},
		{"spark.eventLog.dir", "s3://acme-spark-logs/eventlog"},
		{"spark.eventLog.compress", "true"},
		{"spark.eventLog.compression.codec", "zstd"},
		{"spark.history.fs.logDirectory", "s3://acme-spark-logs/eventlog"},
		{"spark.hadoop.fs.s3a.aws.credentials.provider", "*********(redacted)"},
		{"spark.hadoop.fs.s3a.connection.maximum", "200"},
		{"spark.hadoop.mapreduce.fileoutputcommitter.algorithm.version", "2"},
		{"spark.ui.port", "0"},
		{"spark.ui.filters", "org.apache.hadoop.yarn.server.webproxy.amfilter.AmIpFilter"},
		{"spark.yarn.historyServer.address", "ip-10-16-0-5.ec2.internal:18080"},
		{"spark.executor.extraJavaOptions", "-XX:+IgnoreUnrecognizedVMOptions --add-opens=java.base/java.lang=ALL-UNNAMED --add-opens=java.base/java.nio=ALL-UNNAMED --add-opens=java.base/sun.nio.ch=ALL-UNNAMED -XX:+UseG1GC -XX:OnOutOfMemoryError='kill -9 %p'"},
		{"spark.driver.extraJavaOptions", "-XX:+IgnoreUnrecognizedVMOptions --add-opens=java.base/java.lang=ALL-UNNAMED --add-opens=java.base/java.nio=ALL-UNNAMED --add-opens=java.base/sun.nio.ch=ALL-UNNAMED -XX:+UseG1GC"},
		{"spark.executorEnv.JAVA_HOME", "/usr/lib/jvm/java-17-amazon-corretto.x86_64"},
		{"spark.yarn.appMasterEnv.JAVA_HOME", "/usr/lib/jvm/java-17-amazon-corretto.x86_64"},
	}
}

func (g *gen) systemProperties() []kv {
	return []kv{
		{"java.io.tmpdir", "/mnt/yarn/usercache/" + g.spec.User + "/appcache/" + g.spec.AppID + "/" + g.containerID(1) + "/tmp"},
		{"line.separator", "\n"}, {"path.separator", ":"},
		{"sun.management.compiler", "HotSpot 64-Bit Tiered Compilers"}, {"sun.cpu.endian", "little"},
		{"java.specification.version", "17"}, {"java.vm.specification.name", "Java Virtual Machine Specification"},
		{"java.vendor", "Amazon.com Inc."}, {"java.vm.specification.version", "17"},
		{"user.home", "/home/" + g.spec.User}, {"sun.arch.data.model", "64"},
		{"user.dir", "/mnt/yarn/usercache/" + g.spec.User + "/appcache/" + g.spec.AppID + "/" + g.containerID(1)},
		{"os.arch", "amd64"}, {"java.vm.version", "17.0.13+11-LTS"}, {"java.runtime.version", "17.0.13+11-LTS"},
		{"java.vm.info", "mixed mode, sharing"}, {"java.runtime.name", "OpenJDK Runtime Environment"},
		{"file.separator", "/"}, {"java.class.version", "61.0"}, {"java.specification.name", "Java Platform API Specification"},
		{"file.encoding", "UTF-8"}, {"user.timezone", "UTC"}, {"java.specification.vendor", "Oracle Corporation"},
		{"sun.java.launcher", "SUN_STANDARD"}, {"os.version", "6.1.115-126.197.amzn2023.x86_64"},
		{"java.vm.specification.vendor", "Oracle Corporation"}, {"user.country", "US"}, {"user.language", "en"},
		{"java.vendor.url", "https://aws.amazon.com/corretto/"}, {"os.name", "Linux"},
		{"java.vm.vendor", "Amazon.com Inc."}, {"user.name", g.spec.User},
		{"java.vm.name", "OpenJDK 64-Bit Server VM"},
		{"sun.java.command", "org.apache.spark.deploy.yarn.ApplicationMaster --class com.acme.jobs." + className(g.spec.AppName) + " --jar s3://acme-artifacts/jobs/acme-jobs-assembly.jar"},
		{"java.home", "/usr/lib/jvm/java-17-amazon-corretto.x86_64"}, {"java.version", "17.0.13"},
		{"SPARK_SUBMIT", "true"}, {"SPARK_YARN_MODE", "true"},
	}
}

var hadoopProperties = []kv{
	{"fs.defaultFS", "hdfs://ip-10-16-0-5.ec2.internal:8020"},
	{"fs.s3a.impl", "org.apache.hadoop.fs.s3a.S3AFileSystem"},
	{"fs.s3.impl", "com.amazon.ws.emr.hadoop.fs.EmrFileSystem"},
	{"fs.s3a.connection.maximum", "200"},
	{"fs.s3a.fast.upload", "true"},
	{"fs.s3a.fast.upload.buffer", "disk"},
	{"fs.s3a.threads.max", "64"},
	{"fs.s3a.multipart.size", "64M"},
	{"fs.s3a.block.size", "32M"},
	{"fs.s3a.readahead.range", "64K"},
	{"fs.s3a.retry.limit", "7"},
	{"fs.s3a.attempts.maximum", "5"},
	{"fs.s3a.connection.timeout", "200000"},
	{"fs.trash.interval", "0"},
	{"hadoop.tmp.dir", "/mnt/var/lib/hadoop/tmp"},
	{"hadoop.security.authentication", "simple"},
	{"hadoop.service.shutdown.timeout", "30s"},
	{"io.file.buffer.size", "65536"},
	{"io.compression.codecs", "org.apache.hadoop.io.compress.GzipCodec,org.apache.hadoop.io.compress.DefaultCodec,org.apache.hadoop.io.compress.BZip2Codec,org.apache.hadoop.io.compress.SnappyCodec"},
	{"dfs.replication", "2"},
	{"dfs.blocksize", "134217728"},
	{"dfs.client.use.datanode.hostname", "false"},
	{"mapreduce.framework.name", "yarn"},
	{"mapreduce.fileoutputcommitter.algorithm.version", "2"},
	{"mapreduce.output.fileoutputformat.compress", "false"},
	{"mapreduce.job.reduces", "1"},
	{"yarn.resourcemanager.hostname", "ip-10-16-0-5.ec2.internal"},
	{"yarn.resourcemanager.address", "ip-10-16-0-5.ec2.internal:8032"},
	{"yarn.resourcemanager.scheduler.address", "ip-10-16-0-5.ec2.internal:8030"},
	{"yarn.nodemanager.resource.memory-mb", "57344"},
	{"yarn.nodemanager.resource.cpu-vcores", "16"},
	{"yarn.nodemanager.vmem-check-enabled", "false"},
	{"yarn.nodemanager.pmem-check-enabled", "true"},
	{"yarn.scheduler.minimum-allocation-mb", "32"},
	{"yarn.scheduler.maximum-allocation-mb", "57344"},
	{"yarn.log-aggregation-enable", "true"},
	{"yarn.timeline-service.enabled", "false"},
	{"yarn.app.mapreduce.am.resource.mb", "2048"},
}

// classpath lists the jars of an EMR Spark 3.5 install.
func classpath() []kv {
	jars := []string{
		"spark-core_2.12-3.5.3", "spark-sql_2.12-3.5.3", "spark-catalyst_2.12-3.5.3", "spark-yarn_2.12-3.5.3",
		"spark-hive_2.12-3.5.3", "spark-network-common_2.12-3.5.3", "spark-network-shuffle_2.12-3.5.3",
		"spark-launcher_2.12-3.5.3", "spark-kvstore_2.12-3.5.3", "spark-unsafe_2.12-3.5.3", "spark-tags_2.12-3.5.3",
		"spark-sketch_2.12-3.5.3", "spark-mllib_2.12-3.5.3", "spark-graphx_2.12-3.5.3", "spark-streaming_2.12-3.5.3",
		"hadoop-client-api-3.3.6", "hadoop-client-runtime-3.3.6", "hadoop-aws-3.3.6", "aws-java-sdk-bundle-1.12.720",
		"scala-library-2.12.18", "scala-reflect-2.12.18", "scala-compiler-2.12.18", "scala-xml_2.12-2.1.0",
		"scala-parser-combinators_2.12-2.3.0", "scala-collection-compat_2.12-2.7.0",
		"parquet-hadoop-1.13.1", "parquet-column-1.13.1", "parquet-common-1.13.1", "parquet-encoding-1.13.1",
		"parquet-format-structures-1.13.1", "parquet-jackson-1.13.1", "orc-core-1.9.4-shaded-protobuf",
		"orc-mapreduce-1.9.4-shaded-protobuf", "avro-1.11.2", "avro-mapred-1.11.2", "arrow-vector-12.0.1",
		"arrow-memory-core-12.0.1", "arrow-format-12.0.1", "jackson-databind-2.15.2", "jackson-core-2.15.2",
		"jackson-annotations-2.15.2", "jackson-module-scala_2.12-2.15.2", "netty-all-4.1.96.Final",
		"netty-buffer-4.1.96.Final", "netty-codec-4.1.96.Final", "netty-common-4.1.96.Final",
		"netty-handler-4.1.96.Final", "netty-transport-4.1.96.Final", "netty-transport-native-epoll-4.1.96.Final-linux-x86_64",
		"log4j-api-2.20.0", "log4j-core-2.20.0", "log4j-slf4j2-impl-2.20.0", "slf4j-api-2.0.7", "guava-14.0.1",
		"commons-lang3-3.12.0", "commons-io-2.16.1", "commons-codec-1.16.1", "commons-compress-1.23.0",
		"commons-collections4-4.4", "commons-text-1.10.0", "zstd-jni-1.5.5-4", "lz4-java-1.8.0", "snappy-java-1.1.10.5",
		"compress-lzf-1.1.2", "kryo-shaded-4.0.2", "chill_2.12-0.10.0", "chill-java-0.10.0", "json4s-core_2.12-3.7.0-M11",
		"json4s-jackson_2.12-3.7.0-M11", "json4s-ast_2.12-3.7.0-M11", "janino-3.1.9", "commons-compiler-3.1.9",
		"antlr4-runtime-4.9.3", "hive-exec-2.3.9-core", "hive-metastore-2.3.9", "hive-common-2.3.9",
		"hive-serde-2.3.9", "RoaringBitmap-0.9.45", "py4j-0.10.9.7", "pyrolite-4.30", "metrics-core-4.2.19",
		"metrics-json-4.2.19", "metrics-jvm-4.2.19", "jersey-server-2.40", "jersey-client-2.40",
		"jakarta.servlet-api-4.0.3", "xbean-asm9-shaded-4.23", "zookeeper-3.6.3", "univocity-parsers-2.9.1",
	}
	out := make([]kv, 0, len(jars)+2)
	for _, j := range jars {
		out = append(out, kv{"/usr/lib/spark/jars/" + j + ".jar", "System Classpath"})
	}
	out = append(out, kv{"/etc/hadoop/conf/", "System Classpath"}, kv{"/usr/lib/spark/conf/", "System Classpath"})
	return out
}

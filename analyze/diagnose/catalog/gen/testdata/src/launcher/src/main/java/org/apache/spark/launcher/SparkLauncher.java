// Made-up constants for the generator tests.
public class Keys {
  public static final String GADGET_CORES = "spark.gadget.cores";
}

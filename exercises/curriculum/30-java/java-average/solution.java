public class Main {
    public static void main(String[] args) {
        if (args.length == 0) {
            System.out.println("no numbers");
            System.exit(1);
        }
        double total = 0;
        for (String arg : args) {
            total += Double.parseDouble(arg);
        }
        System.out.printf("%.2f%n", total / args.length);
    }
}

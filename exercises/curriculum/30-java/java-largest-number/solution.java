import java.util.Scanner;

public class Main {
    public static void main(String[] args) {
        Scanner in = new Scanner(System.in);
        int largest = in.nextInt();
        while (in.hasNextInt()) {
            largest = Math.max(largest, in.nextInt());
        }
        System.out.println(largest);
    }
}
